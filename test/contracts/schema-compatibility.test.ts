// BACKWARD compatibility against the real registry: the new schema must read data written with the
// old one. Both the library call and the `l3 contracts compat` command are exercised.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checkBackwardCompatibility } from '../../contracts/registry/compatibility.ts';
import { RegistryClient } from '../../contracts/registry/registry-client.ts';
import { schemaRegistryUrl, uniqueName } from '../support/services.ts';

const v1 = {
  type: 'record',
  name: 'Widget',
  namespace: 'aix.l3.test',
  doc: 'Version 1.',
  fields: [
    { name: 'id', type: 'string', doc: 'id' },
    { name: 'weight', type: 'long', doc: 'weight' },
  ],
};
const withField = (field: object) => ({ ...v1, fields: [...v1.fields, field] });

async function registeredSubject(): Promise<string> {
  const subject = `${uniqueName('test.compat')}-value`;
  const registry = new RegistryClient(schemaRegistryUrl());
  await registry.setCompatibility(subject, 'BACKWARD');
  await registry.register(subject, v1);
  return subject;
}

t.test('adding a field with a default is BACKWARD compatible', async (t) => {
  const subject = await registeredSubject();
  const verdict = await checkBackwardCompatibility(schemaRegistryUrl(), subject, withField({ name: 'colour', type: ['null', 'string'], default: null, doc: 'c' }));
  t.equal(verdict.compatible, true);
  t.same(verdict.reasons, []);
});

t.test('adding a field without a default is refused, naming the field', async (t) => {
  const subject = await registeredSubject();
  const verdict = await checkBackwardCompatibility(schemaRegistryUrl(), subject, withField({ name: 'colour', type: 'string', doc: 'c' }));
  t.equal(verdict.compatible, false);
  t.match(verdict.reasons.join(' '), /colour/);
});

t.test('changing a field type incompatibly is refused', async (t) => {
  const subject = await registeredSubject();
  const changed = { ...v1, fields: [v1.fields[0], { name: 'weight', type: 'string', doc: 'now text' }] };
  const verdict = await checkBackwardCompatibility(schemaRegistryUrl(), subject, changed);
  t.equal(verdict.compatible, false);
  t.ok(verdict.reasons.length > 0, 'a reason is given');
});

t.test('widening long to double is accepted (Avro promotion)', async (t) => {
  const subject = await registeredSubject();
  const widened = { ...v1, fields: [v1.fields[0], { name: 'weight', type: 'double', doc: 'w' }] };
  t.equal((await checkBackwardCompatibility(schemaRegistryUrl(), subject, widened)).compatible, true);
});

t.test('the compat command exits non-zero naming subject and reason, and zero when compatible', async (t) => {
  const subject = await registeredSubject();
  const dir = mkdtempSync(join(tmpdir(), 'l3-compat-'));
  const bad = join(dir, 'bad.avsc');
  const good = join(dir, 'good.avsc');
  writeFileSync(bad, JSON.stringify(withField({ name: 'colour', type: 'string', doc: 'c' })));
  writeFileSync(good, JSON.stringify(withField({ name: 'colour', type: 'string', default: 'red', doc: 'c' })));
  const cli = (file: string) =>
    spawnSync(process.execPath, [join(import.meta.dirname, '../../cli/main.ts'), 'contracts', 'compat', file, subject], {
      encoding: 'utf8',
      env: { ...process.env, SCHEMA_REGISTRY_URL: schemaRegistryUrl() },
    });
  const refused = cli(bad);
  t.equal(refused.status, 1);
  t.match(refused.stderr, subject);
  t.match(refused.stderr, /INCOMPATIBLE_SCHEMA/);
  t.match(refused.stderr, /colour/);
  const accepted = cli(good);
  t.equal(accepted.status, 0, accepted.stderr);
  t.match(accepted.stdout, `${subject}: compatible`);
});

t.test('every contract schema is registered under its topic subject with BACKWARD compatibility', async (t) => {
  const { registerContracts } = await import('../../contracts/registry/register-contracts.ts');
  const registry = new RegistryClient(schemaRegistryUrl());
  const first = await registerContracts(schemaRegistryUrl());
  const again = await registerContracts(schemaRegistryUrl());
  t.same(again, first, 're-registering an unchanged schema keeps its id');
  t.equal(first.length, 10);
  for (const registration of first) t.equal(await registry.compatibility(registration.subject), 'BACKWARD', registration.subject);
});
