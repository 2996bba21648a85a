import t from 'tap';
import avro from 'avsc';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  ActionDecision,
  ActionExecutionRequested,
  ActionProposed,
  ActionResult,
  ActionStateChanged,
  AuditEventAppended,
  LinkChange,
  ObjectChange,
  OntologyChanged,
  TypeDefChange,
} from '../../contracts/generated/index.ts';
import { allTopics, topicCatalog, topicKeys } from '../../contracts/topics.ts';

type Json = { readonly [key: string]: unknown };

const avroDir = fileURLToPath(new URL('../../contracts/avro/', import.meta.url));
const readmePath = fileURLToPath(new URL('../../contracts/README.md', import.meta.url));

const schemas = new Map<string, Json>(
  readdirSync(avroDir)
    .filter((file) => file.endsWith('.avsc'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(avroDir + file, 'utf8')) as Json]),
);

const NAMESPACES = ['aix.l2.ontology', 'aix.l3.ontology', 'aix.l3.actions', 'aix.l3.audit', 'aix.l4.agent', 'aix.l5.governance'];
const UUID_FIELDS = ['tenantId', 'eventId', 'proposalId', 'executionId'];

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Every schema node of a file with the path that leads to it, so failures say where.
function* walk(node: unknown, path: string): Generator<[string, unknown]> {
  yield [path, node];
  if (Array.isArray(node)) {
    for (const [i, branch] of node.entries()) yield* walk(branch, `${path}[${i}]`);
  } else if (isJson(node)) {
    if (Array.isArray(node['fields'])) {
      for (const field of node['fields'] as Json[]) yield* walk(field['type'], `${path}.${String(field['name'])}`);
    }
    if (node['items'] !== undefined) yield* walk(node['items'], `${path}[]`);
    if (node['values'] !== undefined) yield* walk(node['values'], `${path}{}`);
    if (isJson(node['type']) || Array.isArray(node['type'])) yield* walk(node['type'], path);
  }
}

function fieldsOf(record: Json): Json[] {
  return record['fields'] as Json[];
}

function allFields(schema: Json): [string, Json][] {
  const found: [string, Json][] = [];
  for (const [path, node] of walk(schema, String(schema['name']))) {
    if (isJson(node) && node['type'] === 'record') {
      for (const field of fieldsOf(node)) found.push([`${path}.${String(field['name'])}`, field]);
    }
  }
  return found;
}

t.test('there is one schema per record of ARCHITECTURE §2', async (t) => {
  t.same(
    [...schemas.keys()],
    [
      'ActionDecision.avsc',
      'ActionExecutionRequested.avsc',
      'ActionProposed.avsc',
      'ActionResult.avsc',
      'ActionStateChanged.avsc',
      'AuditEventAppended.avsc',
      'LinkChange.avsc',
      'ObjectChange.avsc',
      'OntologyChanged.avsc',
      'TypeDefChange.avsc',
    ],
  );
});

for (const [file, schema] of schemas) {
  t.test(`${file} is a valid, documented, self-contained record`, async (t) => {
    t.doesNotThrow(() => avro.Type.forSchema(schema as avro.Schema), 'avsc parses it on its own');
    t.equal(schema['type'], 'record');
    t.equal(`${String(schema['name'])}.avsc`, file, 'the file is named after its record');
    t.ok(NAMESPACES.includes(String(schema['namespace'])), `namespace ${String(schema['namespace'])} is one of ours`);

    for (const [path, node] of walk(schema, String(schema['name']))) {
      if (isJson(node) && (node['type'] === 'record' || node['type'] === 'enum')) {
        t.ok(typeof node['doc'] === 'string' && node['doc'].trim() !== '', `${node['type']} ${String(node['name'])} at ${path} has a doc`);
      }
    }
    for (const [path, field] of allFields(schema)) {
      t.ok(typeof field['doc'] === 'string' && field['doc'].trim() !== '', `field ${path} has a doc`);
    }
  });

  t.test(`${file} carries tenantId and eventId as UUIDs`, async (t) => {
    const fields = fieldsOf(schema);
    for (const name of ['tenantId', 'eventId']) {
      const field = fields.find((f) => f['name'] === name);
      t.same(field?.['type'], { type: 'string', logicalType: 'uuid' }, `${name} is a uuid string`);
    }
  });

  t.test(`${file} uses logical types for ids and timestamps`, async (t) => {
    for (const [path, field] of allFields(schema)) {
      const name = String(field['name']);
      const type = field['type'];
      const inner = Array.isArray(type) ? type.find((branch) => branch !== 'null') : type;
      if (UUID_FIELDS.includes(name)) t.same(inner, { type: 'string', logicalType: 'uuid' }, `${path} is a uuid`);
      if (name.endsWith('At')) t.same(inner, { type: 'long', logicalType: 'timestamp-millis' }, `${path} is timestamp-millis`);
    }
  });

  t.test(`${file} declares every optional field as ["null", T] with default null`, async (t) => {
    for (const [path, field] of allFields(schema)) {
      const type = field['type'];
      if (!Array.isArray(type)) continue;
      t.equal(type.length, 2, `${path} is a two-branch union`);
      t.equal(type[0], 'null', `${path} lists null first, as a null default requires`);
      t.ok('default' in field && field['default'] === null, `${path} defaults to null`);
    }
  });
}

t.test('every catalog topic carries an existing schema, and every schema has a topic', async (t) => {
  for (const key of topicKeys) {
    const topic = topicCatalog[key];
    const schema = schemas.get(topic.schemaFile);
    t.ok(schema, `${topic.name}: ${topic.schemaFile} exists`);
    if (schema) t.equal(`${String(schema['namespace'])}.${String(schema['name'])}`, topic.record, `${topic.name} carries ${topic.record}`);
  }
  t.same(new Set(topicKeys.map((key) => topicCatalog[key].schemaFile)), new Set(schemas.keys()));
  for (const definition of allTopics()) {
    if (definition.schemaFile !== null) t.ok(schemas.has(definition.schemaFile), `${definition.name} -> ${definition.schemaFile}`);
  }
});

t.test('contracts/README.md lists every topic', async (t) => {
  const readme = readFileSync(readmePath, 'utf8');
  for (const definition of allTopics()) t.ok(readme.includes(`\`${definition.name}\``), definition.name);
});

// One realistic value per record, typed with the generated types so that the types and the
// schemas are checked against each other by tsc as well as by avsc.
const TENANT = '3f2b8c1e-6d1a-4c55-9a0e-1b2c3d4e5f60';
const PROPOSAL = '0c9a4f7e-2b1d-4e8f-a6c3-5d7e9f1a2b3c';
const HASH = 'a'.repeat(64);
const AT = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const ref = { objectType: 'Order', objectId: 'o-42' };

const samples: {
  ActionDecision: ActionDecision;
  ActionExecutionRequested: ActionExecutionRequested;
  ActionProposed: ActionProposed;
  ActionResult: ActionResult;
  ActionStateChanged: ActionStateChanged;
  AuditEventAppended: AuditEventAppended;
  LinkChange: LinkChange;
  ObjectChange: ObjectChange;
  OntologyChanged: OntologyChanged;
  TypeDefChange: TypeDefChange;
} = {
  ObjectChange: {
    tenantId: TENANT,
    eventId: '6b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d',
    op: 'UPSERT',
    objectType: 'Order',
    objectId: 'o-42',
    properties: JSON.stringify({ status: 'OPEN', total: 99.5 }),
    embedding: [0.25, -0.5, 1],
    sourceVersion: 1_700_000_000_123,
    occurredAt: AT,
  },
  LinkChange: {
    tenantId: TENANT,
    eventId: '7c2d3e4f-5061-4b2c-9d3e-4f5a6b7c8d9e',
    op: 'DELETE',
    linkType: 'placedOrder',
    from: { objectType: 'Customer', objectId: 'c-7' },
    to: ref,
    properties: null,
    sourceVersion: 12,
    occurredAt: AT,
  },
  TypeDefChange: {
    tenantId: TENANT,
    eventId: '8d3e4f50-6172-4c3d-ae4f-5a6b7c8d9eaf',
    op: 'UPSERT',
    kind: 'TOOL',
    name: 'refundOrder',
    version: 3,
    objectType: null,
    linkType: null,
    tool: {
      description: 'Refund an order to the customer.',
      parametersSchema: JSON.stringify({ type: 'object', properties: { amount: { type: 'number' } } }),
      effects: JSON.stringify({ external: ['payments.refund'] }),
      baseRisk: 'HIGH',
      effectKind: 'BOTH',
      irreversible: true,
    },
    actor: 'admin@example.com',
    occurredAt: AT,
  },
  ActionProposed: {
    tenantId: TENANT,
    eventId: '9e4f5061-7283-4d4e-bf50-6b7c8d9eafb0',
    proposalId: PROPOSAL,
    idempotencyKey: 'agent-1:refund:o-42',
    actionType: 'refundOrder',
    actionTypeVersion: null,
    parameters: JSON.stringify({ amount: 10 }),
    targets: [ref],
    proposedBy: 'agent-1',
    rationale: 'Customer was charged twice.',
    expiresAt: AT + 3_600_000,
    occurredAt: AT,
  },
  ActionDecision: {
    tenantId: TENANT,
    eventId: 'af506172-8394-4e5f-8061-7c8d9eafb0c1',
    proposalId: PROPOSAL,
    decision: 'APPROVE',
    actor: 'alice',
    actorRoles: ['approver', 'admin'],
    bindingHash: HASH,
    reason: null,
    occurredAt: AT,
  },
  ActionResult: {
    tenantId: TENANT,
    eventId: 'b0617283-94a5-4f60-9172-8d9eafb0c1d2',
    proposalId: PROPOSAL,
    executionId: 'c1728394-a5b6-4071-a283-9eafb0c1d2e3',
    status: 'FAILED',
    output: '{}',
    error: { code: 'PAYMENT_DECLINED', message: 'The payment provider declined the refund.' },
    bindingHash: HASH,
    executor: 'payments-executor',
    occurredAt: AT,
  },
  OntologyChanged: {
    tenantId: TENANT,
    eventId: 'd28394a5-b6c7-4182-b394-afb0c1d2e3f4',
    entityKind: 'LINK',
    entityId: 'e3f4a5b6-c7d8-4293-84a5-b0c1d2e3f4a5',
    entityType: 'placedOrder',
    op: 'UPSERT',
    version: 2,
    after: JSON.stringify({ linkType: 'placedOrder' }),
    link: { from: { objectType: 'Customer', objectId: 'c-7' }, to: ref },
    sourceEventId: '7c2d3e4f-5061-4b2c-9d3e-4f5a6b7c8d9e',
    proposalId: null,
    occurredAt: AT,
  },
  ActionStateChanged: {
    tenantId: TENANT,
    eventId: 'e394a5b6-c7d8-4293-a4b5-c0d1e2f3a4b5',
    proposalId: PROPOSAL,
    actionType: 'refundOrder',
    from: 'SIMULATED',
    to: 'PENDING_APPROVAL',
    blastRadius: 'HIGH',
    bindingHash: HASH,
    actor: 'l3',
    reason: null,
    occurredAt: AT,
  },
  ActionExecutionRequested: {
    tenantId: TENANT,
    eventId: 'f4a5b6c7-d8e9-4fa0-b5c6-d1e2f3a4b5c6',
    proposalId: PROPOSAL,
    executionId: 'c1728394-a5b6-4071-a283-9eafb0c1d2e3',
    actionType: 'refundOrder',
    actionTypeVersion: 3,
    parameters: JSON.stringify({ amount: 10 }),
    targets: [ref],
    bindingHash: HASH,
    expiresAt: null,
    requestedAt: AT,
  },
  AuditEventAppended: {
    tenantId: TENANT,
    eventId: 'a5b6c7d8-e9fa-4b01-86c7-e2f3a4b5c6d7',
    seq: 1,
    hash: HASH,
    prevHash: '0'.repeat(64),
    eventType: 'action.approved',
    event: JSON.stringify({ proposalId: PROPOSAL, actor: 'alice' }),
    occurredAt: AT,
  },
};

for (const [record, value] of Object.entries(samples)) {
  t.test(`a ${record} round-trips through Avro binary`, async (t) => {
    const schema = schemas.get(`${record}.avsc`);
    if (!schema) return t.fail(`${record}.avsc is missing`);
    const type = avro.Type.forSchema(schema as avro.Schema);
    const errors: string[] = [];
    t.ok(type.isValid(value, { errorHook: (path) => errors.push(path.join('.')) }), `valid (bad paths: ${errors.join(', ')})`);
    // The sample embedding holds floats exact in 32 bits, so equality survives the float encoding.
    const decoded = type.fromBuffer(type.toBuffer(value)) as Record<string, unknown>;
    t.same({ ...decoded }, value);
  });
}
