// `l3 ontology validate|publish`, run as the real command line against the embedded stack: a broken
// file is refused with every error's path, and publishing the demo file puts one TypeDefChange per
// definition on the typedefs topic.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { TypeDefChangeSchema } from '../../contracts/generated/type-def-change.ts';
import type { TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { defaultTopicNames } from '../../contracts/topics.ts';
import { parseOntology, toTypeDefChanges } from '../../ontology/index.ts';
import type { OntologyFile } from '../../ontology/index.ts';
import { readTopic, type ConsumedRecord } from '../support/kafka.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../support/services.ts';

const projectRoot = new URL('../..', import.meta.url).pathname;
const demoFile = join(projectRoot, 'examples/ontology/demo.yaml');
const demoText = readFileSync(demoFile, 'utf8');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function l3(...args: string[]): Promise<CliRun> {
  const env = { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: schemaRegistryUrl() };
  const child = spawn(process.execPath, [join(projectRoot, 'cli/main.ts'), ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

t.test('validate accepts the demo file with a one-line summary', async (t) => {
  const run = await l3('ontology', 'validate', demoFile);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /demo\.yaml: valid: tenant Demo Utilities \(0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b\) version 1: 6 object types, 5 link types, 5 tools/);
});

t.test('validate refuses a broken file, listing every error with its line and path', async (t) => {
  const broken = demoText
    .replace('id: 0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b', 'id: demo-utilities')
    .replace('      ratedFlowLps:\n        dataType: number', '      ratedFlowLps:\n        dataType: float')
    .replace('    fromType: Sensor', '    fromType: Thermometer')
    .replace('          status: $params.status', '          status: $params.state');
  const dir = t.testdir({ 'broken.yaml': broken });
  const run = await l3('ontology', 'validate', join(dir, 'broken.yaml'));
  t.equal(run.status, 1);
  t.match(run.stderr, /l3: error \[ONTOLOGY_INVALID\]: .*broken\.yaml is not a valid ontology: 4 error\(s\)/);
  const lines = broken.split('\n');
  for (const [path, text] of [
    ['tenant.id', 'id: demo-utilities'],
    ['objectTypes.Pump.properties.ratedFlowLps.dataType', 'dataType: float'],
    ['linkTypes.monitors.fromType', 'fromType: Thermometer'],
    ['tools.0.effects.0.properties.status', 'status: $params.state'],
  ] as const) {
    const line = lines.findIndex((l) => l.trim() === text) + 1;
    t.match(run.stderr, `broken.yaml:${line}: ${path}: `, `${path} is reported at line ${line}`);
  }
});

t.test('a missing file and a missing verb are usage errors', async (t) => {
  const missing = await l3('ontology', 'validate', join(projectRoot, 'examples/ontology/no-such-file.yaml'));
  t.equal(missing.status, 2);
  t.match(missing.stderr, /cannot read .*no-such-file\.yaml/);
  const noVerb = await l3('ontology');
  t.equal(noVerb.status, 2);
  t.match(noVerb.stderr, /usage: l3 ontology validate <file>/);
});

t.test('publish puts one TypeDefChange per definition of the demo file on the typedefs topic', async (t) => {
  // The topic is shared and the demo's eventIds are the same on every run: this run's records are
  // the ones carrying this run's actor.
  const actor = `ontology-cli-test-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const expected = toTypeDefChanges(parseOntology(demoText).value as OntologyFile, { actor, occurredAt: 0 });
  const run = await l3('ontology', 'publish', demoFile, '--actor', actor);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, `published ${expected.length} definition(s) for tenant Demo Utilities`);

  const tenantId = '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b';
  const actorBytes = Buffer.from(actor);
  const ours = (records: ConsumedRecord[]) =>
    records.filter((r) => r.key === tenantId && r.value?.includes(actorBytes));
  const records = ours(await readTopic(defaultTopicNames.typedefs, { readCommittedOnly: true, until: (read) => ours(read).length >= expected.length }));

  const serde = AvroSerde.connect(schemaRegistryUrl());
  const decoded = await Promise.all(records.map(async (r) => ({ key: r.key, value: (await serde.decode<TypeDefChange>(r.value, TypeDefChangeSchema)).value })));
  t.equal(decoded.length, expected.length, 'one record per definition, no duplicates');
  for (const want of expected) {
    const got = decoded.filter((d) => d.value.eventId === want.eventId);
    t.equal(got.length, 1, `${want.kind} ${want.name} published once`);
    t.equal(got[0]?.key, tenantId, `${want.name}: keyed by tenant, so definitions stay in order`);
    t.same({ ...got[0]?.value, occurredAt: 0 }, want, `${want.name}: the record is the definition`);
    t.ok(Math.abs((got[0]?.value.occurredAt ?? 0) - Date.now()) < 10 * 60_000, `${want.name}: occurredAt is the publication time`);
  }
  // Within a partition, Kafka keeps the order of publication: object types precede the link types
  // and tools that share their partition.
  const rank = { OBJECT_TYPE: 0, LINK_TYPE: 1, TOOL: 2 } as const;
  for (const partition of new Set(records.map((r) => r.partition))) {
    const kinds = decoded.filter((_, i) => records[i]?.partition === partition).map((d) => rank[d.value.kind]);
    t.same(kinds, [...kinds].sort((a, b) => a - b), `partition ${partition}: dependency order`);
  }
});
