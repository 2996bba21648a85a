// Entity ids (processors/materializer/entity-keys.ts): unchanged for plain ids, unambiguous when
// a source id contains the separator.
import t from 'tap';
import { entityIdPart, kafkaKey, linkEntityId, objectEntityId, typeDefEntityId } from '../../processors/materializer/entity-keys.ts';

t.test('plain parts are joined with /', async (t) => {
  t.equal(objectEntityId('Pump', 'p-1'), 'Pump/p-1');
  t.equal(linkEntityId('installedAt', 'Pump', 'p-1', 'Site', 's-1'), 'installedAt/Pump/p-1/Site/s-1');
  t.equal(typeDefEntityId('OBJECT_TYPE', 'Pump'), 'OBJECT_TYPE/Pump');
  t.equal(kafkaKey('t1', 'Pump/p-1'), 't1:Pump/p-1');
});

t.test('a / or % inside an id is escaped, so different links never share an id', async (t) => {
  t.equal(entityIdPart('a/b%c'), 'a%2Fb%25c');
  t.equal(objectEntityId('Pump', 'plant/7'), 'Pump/plant%2F7');
  const one = linkEntityId('feeds', 'Pump', 'a/Pump/b', 'Pump', 'c');
  const two = linkEntityId('feeds', 'Pump', 'a', 'Pump', 'b/Pump/c');
  t.not(one, two, 'a/Pump/b -> c and a -> b/Pump/c are different links');
  t.not(objectEntityId('Pump', '%2F'), objectEntityId('Pump', '/'), 'an id that looks escaped stays distinct');
});
