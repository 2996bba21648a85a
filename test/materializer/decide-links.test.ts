// decideLinks and cardinality (docs/adr/0008): an UPSERT into a to-one slot supersedes the live
// link holding it, which is retired as a DELETE keeping its sourceVersion; a move made of a
// DELETE and an UPSERT ends the same in either order; MANY_TO_MANY is untouched.
import t from 'tap';
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import type { Cardinality } from '../../contracts/generated/type-def-change.ts';
import { decideLinks, endpointKey, storedLinkKey, type SlotOccupant } from '../../processors/materializer/decide-links.ts';
import type { LinkTypeEntry, TypeCatalog } from '../../processors/materializer/type-catalog.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const PUMP = 'type-pump';
const SITE = 'type-site';

function linkType(name: string, cardinality: Cardinality): LinkTypeEntry {
  return { id: `lt-${name}`, name, cardinality, fromTypeId: PUMP, toTypeId: SITE, fromType: 'Pump', toType: 'Site', properties: [] };
}
const TYPES = [linkType('installedAt', 'MANY_TO_ONE'), linkType('feeds', 'ONE_TO_MANY'), linkType('twin', 'ONE_TO_ONE'), linkType('near', 'MANY_TO_MANY')];
const catalog: TypeCatalog = { objectTypes: new Map(), linkTypes: new Map(TYPES.map((type) => [type.name, type])) };
// Every endpoint has a row: links go to `links`.
const ENDPOINTS = new Set(['p1', 'p2', 'p3'].map((id) => endpointKey(PUMP, id)).concat(['s1', 's2', 's3'].map((id) => endpointKey(SITE, id))));

let counter = 0;
function change(op: 'UPSERT' | 'DELETE', type: string, from: string, to: string, sourceVersion: number): { source: string; event: LinkChange } {
  counter += 1;
  return {
    source: `record-${counter}`,
    event: { tenantId: TENANT, eventId: `e-${counter}`, op, linkType: type, from: { objectType: 'Pump', objectId: from }, to: { objectType: 'Site', objectId: to }, properties: null, sourceVersion, occurredAt: counter },
  };
}
const keyOf = (type: string, from: string, to: string) => storedLinkKey(`lt-${type}`, PUMP, from, SITE, to);
function occupant(type: string, from: string, to: string, version = 1, sourceVersion = 5, place: 'links' | 'pending' = 'links'): [string, SlotOccupant] {
  return [keyOf(type, from, to), { linkTypeId: `lt-${type}`, fromTypeId: PUMP, fromId: from, toTypeId: SITE, toId: to, version, sourceVersion, deleted: false, place }];
}
const summary = (decision: ReturnType<typeof decideLinks<string>>) =>
  decision.applied.map((a) => `${a.after.linkType} ${a.after.fromId}->${a.after.toId} v${a.after.version} sv${a.after.sourceVersion} ${a.after.deleted ? 'deleted' : 'live'}${a.supersededBy ? ` superseded by ${a.supersededBy}` : ''}`);

t.test('MANY_TO_ONE: an UPSERT to another site retires the link that held the pump', async (t) => {
  const held = new Map([occupant('installedAt', 'p1', 's1')]);
  const decision = decideLinks(TENANT, [change('UPSERT', 'installedAt', 'p1', 's2', 7)], catalog, new Map(), ENDPOINTS, held);
  t.same(summary(decision), ['installedAt p1->s2 v1 sv7 live', 'installedAt p1->s1 v2 sv5 deleted superseded by installedAt/Pump/p1/Site/s2']);
  const retired = decision.writes.find((w) => w.toId === 's1')!;
  t.same([retired.place, retired.previousPlace, retired.properties], ['links', 'links', {}]);
  t.equal(decision.applied[1]!.source, decision.applied[0]!.source, 'the retirement is attributed to the UPSERT that caused it');
  t.equal(decision.applied[1]!.key, `${TENANT}:installedAt/Pump/p1/Site/s1`);
});

t.test('a move ends the same in either order', async (t) => {
  const held = new Map([occupant('installedAt', 'p1', 's1')]);
  const stored = new Map([[keyOf('installedAt', 'p1', 's1'), held.get(keyOf('installedAt', 'p1', 's1'))!]]);
  const deleteFirst = decideLinks(TENANT, [change('DELETE', 'installedAt', 'p1', 's1', 6), change('UPSERT', 'installedAt', 'p1', 's2', 7)], catalog, stored, ENDPOINTS, held);
  t.same(summary(deleteFirst), ['installedAt p1->s1 v2 sv6 deleted', 'installedAt p1->s2 v1 sv7 live']);
  const upsertFirst = decideLinks(TENANT, [change('UPSERT', 'installedAt', 'p1', 's2', 7), change('DELETE', 'installedAt', 'p1', 's1', 6)], catalog, stored, ENDPOINTS, held);
  t.same(summary(upsertFirst), [
    'installedAt p1->s2 v1 sv7 live',
    'installedAt p1->s1 v2 sv5 deleted superseded by installedAt/Pump/p1/Site/s2',
    'installedAt p1->s1 v3 sv6 deleted',
  ]);
  const final = (d: typeof deleteFirst) => d.writes.map((w) => `${w.toId}:${w.deleted ? 'deleted' : 'live'}`).sort();
  t.same(final(upsertFirst), final(deleteFirst), 'the same rows: s1 deleted, s2 live');
});

t.test('the holder itself may change; an old repeat of a retired link stays retired; a newer one takes the slot back', async (t) => {
  const held = new Map([occupant('installedAt', 'p1', 's1')]);
  const update = decideLinks(TENANT, [change('UPSERT', 'installedAt', 'p1', 's1', 9)], catalog, new Map([held.entries().next().value!]), ENDPOINTS, held);
  t.same(summary(update), ['installedAt p1->s1 v2 sv9 live'], 'no supersede of itself');
  const batch = decideLinks(
    TENANT,
    [change('UPSERT', 'installedAt', 'p1', 's2', 7), change('UPSERT', 'installedAt', 'p1', 's1', 5), change('UPSERT', 'installedAt', 'p1', 's1', 8)],
    catalog,
    new Map([held.entries().next().value!]),
    ENDPOINTS,
    held,
  );
  t.same(summary(batch), [
    'installedAt p1->s2 v1 sv7 live',
    'installedAt p1->s1 v2 sv5 deleted superseded by installedAt/Pump/p1/Site/s2',
    'installedAt p1->s1 v3 sv8 live',
    'installedAt p1->s2 v2 sv7 deleted superseded by installedAt/Pump/p1/Site/s1',
  ]);
  t.equal(batch.ignoredOld, 1, 'the repeat at sourceVersion 5 is old');
});

t.test('ONE_TO_MANY limits the site; ONE_TO_ONE both ends; MANY_TO_MANY nothing', async (t) => {
  const feeds = decideLinks(TENANT, [change('UPSERT', 'feeds', 'p2', 's1', 3)], catalog, new Map(), ENDPOINTS, new Map([occupant('feeds', 'p1', 's1'), occupant('feeds', 'p1', 's2')]));
  t.same(summary(feeds), ['feeds p2->s1 v1 sv3 live', 'feeds p1->s1 v2 sv5 deleted superseded by feeds/Pump/p2/Site/s1'], 's2 keeps its feeder');
  const twins = decideLinks(TENANT, [change('UPSERT', 'twin', 'p1', 's2', 3)], catalog, new Map(), ENDPOINTS, new Map([occupant('twin', 'p1', 's1'), occupant('twin', 'p3', 's2')]));
  t.same(summary(twins).slice(1).sort(), ['twin p1->s1 v2 sv5 deleted superseded by twin/Pump/p1/Site/s2', 'twin p3->s2 v2 sv5 deleted superseded by twin/Pump/p1/Site/s2']);
  const near = decideLinks(TENANT, [change('UPSERT', 'near', 'p1', 's2', 3), change('UPSERT', 'near', 'p1', 's3', 3)], catalog, new Map(), ENDPOINTS, new Map([occupant('near', 'p1', 's1')]));
  t.same(summary(near), ['near p1->s2 v1 sv3 live', 'near p1->s3 v1 sv3 live']);
});

t.test('a pending holder (its site has no row yet) is retired in pending_links; two new links in one batch: the later wins', async (t) => {
  const pendingHolder = decideLinks(TENANT, [change('UPSERT', 'installedAt', 'p1', 's2', 7)], catalog, new Map(), ENDPOINTS, new Map([occupant('installedAt', 'p1', 'sX', 1, 5, 'pending')]));
  const retired = pendingHolder.writes.find((w) => w.toId === 'sX')!;
  t.same([retired.deleted, retired.place, retired.previousPlace, retired.version], [true, 'pending', 'pending', 2]);
  const both = decideLinks(TENANT, [change('UPSERT', 'installedAt', 'p2', 's1', 1), change('UPSERT', 'installedAt', 'p2', 's2', 1)], catalog, new Map(), ENDPOINTS, new Map());
  t.same(summary(both), ['installedAt p2->s1 v1 sv1 live', 'installedAt p2->s2 v1 sv1 live', 'installedAt p2->s1 v2 sv1 deleted superseded by installedAt/Pump/p2/Site/s2']);
  t.same(both.writes.map((w) => `${w.toId}:${w.deleted ? 'deleted' : 'live'}:v${w.version}`).sort(), ['s1:deleted:v2', 's2:live:v1']);
});
