// From a valid ontology file to TypeDefChange records: dependency order, eventIds that are the same
// on every publication of the same definitions, and records the Avro schema accepts.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import avro from 'avsc';
import t from 'tap';
import { TypeDefChangeSchema } from '../../contracts/generated/type-def-change.ts';
import { nameBasedUuid, parseOntology, toolEffectsDocumentSchema, toTypeDefChanges, validateOntology } from '../../ontology/index.ts';
import type { OntologyFile } from '../../ontology/index.ts';

const demoText = readFileSync(new URL('../../examples/ontology/demo.yaml', import.meta.url), 'utf8');
const demo = parseOntology(demoText).value as OntologyFile;
const options = { actor: 'alice', occurredAt: 1_764_000_000_000 };
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('the demo file is valid, so these tests convert what the CLI would publish', async (t) => {
  t.same(validateOntology(demo), []);
});

t.test('one change per definition, object types first, then link types, then tools', async (t) => {
  const changes = toTypeDefChanges(demo, options);
  t.same(
    changes.map((c) => `${c.kind}:${c.name}`),
    [
      ...Object.keys(demo.objectTypes).map((name) => `OBJECT_TYPE:${name}`),
      ...Object.keys(demo.linkTypes ?? {}).map((name) => `LINK_TYPE:${name}`),
      ...(demo.tools ?? []).map((tool) => `TOOL:${tool.name}`),
    ],
  );
  t.equal(changes.length, 6 + 5 + 5);
  for (const change of changes) {
    t.equal(change.op, 'UPSERT');
    t.equal(change.tenantId, '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b');
    t.equal(change.actor, 'alice');
    t.equal(change.occurredAt, options.occurredAt);
    t.equal([change.objectType, change.linkType, change.tool].filter((d) => d !== null).length, 1, `${change.name}: exactly the definition matching its kind`);
  }
});

t.test('versions of a tool are published in ascending order after the tool they follow', async (t) => {
  const status = demo.tools!.find((tool) => tool.name === 'set_pump_status')!;
  const withVersions: OntologyFile = { ...demo, tools: [{ ...status, version: 3 }, ...demo.tools!, { ...status, version: 2 }] };
  const tools = toTypeDefChanges(withVersions, options).filter((c) => c.kind === 'TOOL');
  t.same(tools.slice(0, 3).map((c) => `${c.name}@${c.version}`), ['set_pump_status@1', 'set_pump_status@2', 'set_pump_status@3']);
});

t.test('eventIds are SHA-256 name-based UUIDs of tenant, kind, name and version', async (t) => {
  const first = toTypeDefChanges(demo, options);
  const again = toTypeDefChanges(demo, { actor: 'bob', occurredAt: options.occurredAt + 60_000 });
  t.same(again.map((c) => c.eventId), first.map((c) => c.eventId), 'republishing the same file yields the same eventIds');
  t.equal(new Set(first.map((c) => c.eventId)).size, first.length, 'every definition has its own eventId');
  for (const change of first) t.match(change.eventId, UUID_V8, `${change.name}: version 8, RFC variant`);

  const bumped = toTypeDefChanges({ ...demo, version: demo.version + 1 }, options);
  for (const [index, change] of bumped.entries()) {
    if (change.kind === 'TOOL') t.equal(change.eventId, first[index]!.eventId, `${change.name}: a tool's eventId follows the tool version, not the file's`);
    else t.not(change.eventId, first[index]!.eventId, `${change.name}: a new version is a new event`);
  }

  const otherTenant = toTypeDefChanges({ ...demo, tenant: { ...demo.tenant, id: '7b0e7d6c-9a43-4c1e-8d1f-0b6f3f6d2a11' } }, options);
  t.not(otherTenant[0]!.eventId, first[0]!.eventId, 'the tenant is part of the name');
});

t.test('name-based UUIDs match the RFC 9562 appendix B.2 example', async (t) => {
  // RFC 9562, B.2: SHA-256 of the DNS namespace and "www.example.com", as a version 8 UUID.
  t.equal(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '5c146b14-3c52-8afd-938a-375d0df1fbf6');
});

t.test('every record is valid against the TypeDefChange Avro schema', async (t) => {
  const type = avro.Type.forSchema(TypeDefChangeSchema as unknown as avro.Schema);
  for (const change of toTypeDefChanges(demo, options)) {
    const problems: string[] = [];
    const valid = type.isValid(change, { errorHook: (path, value) => problems.push(`${path.join('.')}: ${JSON.stringify(value)}`) });
    t.ok(valid, `${change.kind} ${change.name}`, { problems });
    t.same(type.fromBuffer(type.toBuffer(change)), change, `${change.name} round-trips through Avro binary`);
  }
});

t.test('definitions are normalized: enum symbols, defaulted flags, JSON text for schemas and effects', async (t) => {
  const changes = toTypeDefChanges(demo, options);
  const pump = changes.find((c) => c.kind === 'OBJECT_TYPE' && c.name === 'Pump')!.objectType!;
  t.same(
    pump.properties.map((p) => p.name),
    Object.keys(demo.objectTypes.Pump!.properties!),
    'properties keep the file order (display order)',
  );
  t.match(pump.properties.find((p) => p.name === 'status'), { dataType: 'STRING', required: true, indexed: true, sensitive: false });
  t.match(pump.properties.find((p) => p.name === 'tags'), { dataType: 'STRING_ARRAY', required: false, indexed: false, sensitive: false, description: null });
  const customer = changes.find((c) => c.name === 'Customer')!.objectType!;
  t.equal(customer.properties.find((p) => p.name === 'email')?.sensitive, true);

  const installedAt = changes.find((c) => c.kind === 'LINK_TYPE' && c.name === 'installedAt')!.linkType!;
  t.match(installedAt, { fromType: 'Pump', toType: 'Site', cardinality: 'MANY_TO_ONE' });

  const validateDocument = new Ajv2020({ discriminator: true, strictRequired: false }).compile(toolEffectsDocumentSchema);
  for (const change of changes.filter((c) => c.kind === 'TOOL')) {
    const spec = demo.tools!.find((tool) => tool.name === change.name)!;
    const tool = change.tool!;
    t.same(JSON.parse(tool.parametersSchema), spec.parametersSchema, `${change.name}: parametersSchema is the schema as JSON`);
    const effects = JSON.parse(tool.effects);
    t.ok(validateDocument(effects), `${change.name}: effects text satisfies toolEffectsDocumentSchema`, { errors: validateDocument.errors });
    t.same(effects, { targets: spec.targets ?? [], effects: spec.effects });
    t.equal(change.version, spec.version);
  }
  t.match(changes.find((c) => c.name === 'shutdown_site')!.tool, { baseRisk: 'CRITICAL', effectKind: 'EXTERNAL', irreversible: true });
  t.match(changes.find((c) => c.name === 'dispatch_technician')!.tool, { baseRisk: 'HIGH', effectKind: 'BOTH', irreversible: false });
});
