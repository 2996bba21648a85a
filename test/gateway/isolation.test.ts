// Tenant isolation, root field by root field: a token of tenant A never returns tenant B's data,
// whether asked by list, by id, by external id, by traversal, by similarity (a vector nearer to
// B's objects than to any of A's), or through a cursor forged to point at B's rows. Both tenants
// use the same type names and external ids, so a query that forgot its tenant would show it.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import t from 'tap';
import type { Test } from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
// admin: the role that sees the most, including sensitive values and governance records.
const adminA = await tokenFor(TENANT_A, ['admin']);
const adminB = await tokenFor(TENANT_B, ['admin']);

const globalId = (rowId: string) => Buffer.from(`OntologyObject:${rowId}`).toString('base64url');
const cursor = (document: unknown) => Buffer.from(JSON.stringify(document)).toString('base64url');
const decode = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString());
/** Every string in a response, to search it for the other tenant's values. */
const text = (value: unknown) => JSON.stringify(value);
const B_MARKERS = ['B customer', 'b.example', 'SN-B-', 'NIGHTJAR', 'SecretProject', 'b.secret_tool', 'agent:b', 'b reason', TENANT_B];

function noB(t: Test, value: unknown, what: string): void {
  const body = text(value);
  for (const marker of B_MARKERS) t.notOk(body.includes(marker), `${what}: nothing of tenant B (${marker})`);
}

// The root fields the tests below cover; a new root field must be added here with its test.
const COVERED = ['viewer', 'objectTypes', 'objectType', 'linkTypes', 'objects', 'object', 'node', 'traverse', 'similarObjects', 'tools', 'proposals', 'proposal', 'auditEvents', 'auditChain'];

t.test('every root field of the schema is covered here', async (t) => {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  t.same(Object.keys(schema.getQueryType()!.getFields()).sort(), [...COVERED].sort());
});

t.test('tenant B really has the data these tests look for', async (t) => {
  const response = await gateway.query(adminB, '{ objectTypes { name } object(type: "Customer", id: "c-000") { properties } tools { name } proposals { nodes { id } } }');
  t.same(response.codes, []);
  t.ok(response.body.data!.objectTypes.some((type: { name: string }) => type.name === 'SecretProject'));
  t.equal(response.body.data!.object.properties.name, 'B customer 0');
  t.equal(response.body.data!.proposals.nodes.length, 3);
});

t.test('viewer, objectTypes, objectType, linkTypes', async (t) => {
  const response = await gateway.query(adminA, '{ viewer { tenantId } objectTypes { name } objectType(name: "SecretProject") { name } linkTypes { name } }');
  t.same(response.codes, []);
  t.equal(response.body.data!.viewer.tenantId, TENANT_A);
  t.same(response.body.data!.objectTypes.map((type: any) => type.name), ['Customer', 'Pump', 'Site']);
  t.equal(response.body.data!.objectType, null);
  t.notOk(response.body.data!.linkTypes.some((type: any) => type.name === 'funds'));
  noB(t, response.body, 'ontology');
});

t.test('objects: lists, filters that match only B values, and B-only types', async (t) => {
  const response = await gateway.query(
    adminA,
    `{ all: objects(type: "Customer", first: 200) { nodes { externalId properties } }
       byId: objects(type: "Customer", where: { externalIdIn: ["b-only-1"] }) { nodes { externalId } }
       byValue: objects(type: "Customer", where: { properties: [{ name: "score", eq: 99 }] }) { nodes { externalId } }
       pumps: objects(type: "Pump", first: 200) { nodes { properties } } }`,
  );
  t.same(response.codes, []);
  t.equal(response.body.data!.all.nodes.length, 30);
  t.same(response.body.data!.byId.nodes, []);
  t.same(response.body.data!.byValue.nodes, []);
  noB(t, response.body, 'objects');
  t.same((await gateway.query(adminA, '{ objects(type: "SecretProject") { nodes { externalId } } }')).codes, ['NOT_FOUND']);
});

t.test('object and node: guessed external ids and row ids of B find nothing', async (t) => {
  const bCustomer = seeded.ids.B.get('Customer/c-000')!;
  const bSecret = seeded.ids.B.get('SecretProject/x-1')!;
  const response = await gateway.query(
    adminA,
    `{ same: object(type: "Customer", id: "c-000") { properties }
       bOnly: object(type: "Customer", id: "b-only-1") { id }
       secret: object(type: "SecretProject", id: "x-1") { id }
       nodeCustomer: node(id: "${globalId(bCustomer)}") { id }
       nodeSecret: node(id: "${globalId(bSecret)}") { id } }`,
  );
  t.same(response.codes, []);
  t.equal(response.body.data!.same.properties.name, 'Customer 0', "the same external id answers with A's object");
  t.same([response.body.data!.bOnly, response.body.data!.secret, response.body.data!.nodeCustomer, response.body.data!.nodeSecret], [null, null, null, null]);
  noB(t, response.body, 'lookups');
});

t.test('links and traverse never cross into B', async (t) => {
  const response = await gateway.query(
    adminA,
    `{ object(type: "Customer", id: "c-000") { links { to { type externalId } } }
       traverse(from: { type: "Pump", id: "p-0" }, direction: BOTH, maxDepth: 4, maxFanOut: 50) { nodes { object { type externalId properties } } edges { linkType } } }`,
  );
  t.same(response.codes, []);
  t.same(response.body.data!.object.links.map((l: any) => l.to.type), ['Site'], 'not B\'s "funds" link of c-000');
  noB(t, response.body, 'links and traversal');
  t.same((await gateway.query(adminA, '{ traverse(from: { type: "SecretProject", id: "x-1" }) { truncated } }')).codes, ['NOT_FOUND']);
  t.same((await gateway.query(adminA, '{ traverse(from: { type: "Customer", id: "b-only-1" }) { truncated } }')).codes, ['NOT_FOUND']);
});

t.test('similarObjects near B\'s objects returns A\'s objects only', async (t) => {
  const query = 'query S($vector: [Float!], $to: ObjectRef, $k: Int) { similarObjects(vector: $vector, to: $to, k: $k) { distance object { type externalId properties } } }';
  // B's 20 decoys lie within 0.02 of this vector; A's nearest pump is further.
  const byVector = await gateway.query(adminA, query, { vector: seeded.decoyCenter, k: 50 });
  t.same(byVector.codes, []);
  t.equal(byVector.body.data!.similarObjects.length, 20, "all of A's embedded objects, none of B's");
  noB(t, byVector.body, 'similarity by vector');
  const byReference = await gateway.query(adminA, query, { to: { type: 'Pump', id: 'p-0' }, k: 10 });
  t.ok(byReference.body.data!.similarObjects.every((r: any) => String(r.object.properties.serial).startsWith('SN-A-')));
  noB(t, byReference.body, 'similarity by reference');
  const forB = await gateway.query(adminB, query, { vector: seeded.decoyCenter, k: 5 });
  t.ok(forB.body.data!.similarObjects.every((r: any) => String(r.object.properties.serial).startsWith('SN-B-')), 'B finds its own decoys');
});

t.test('tools', async (t) => {
  const response = await gateway.query(adminA, '{ tools(allVersions: true) { name description } secret: tools(name: "b.secret_tool") { name } }');
  t.same(response.body.data!.secret, []);
  noB(t, response.body, 'tools');
});

t.test('proposals and proposal: B\'s ids find nothing', async (t) => {
  const response = await gateway.query(adminA, '{ proposals(first: 200) { nodes { id proposedBy parameters approvals { approver } history { actor } } } }');
  t.same(response.body.data!.proposals.nodes.map((p: any) => p.id).sort(), [...seeded.proposals.A].sort());
  noB(t, response.body, 'proposals');
  for (const id of seeded.proposals.B) {
    const one = await gateway.query(adminA, `{ proposal(id: "${id}") { id approvals { approver } } }`);
    t.same(one.body.data, { proposal: null }, `B's proposal ${id}`);
  }
});

t.test('auditEvents and auditChain cover A\'s chain only', async (t) => {
  const response = await gateway.query(adminA, '{ auditEvents(first: 200) { nodes { seq event } } auditChain { ok length headHash } }');
  t.same(response.body.data!.auditEvents.nodes.map((e: any) => e.seq), Array.from({ length: 11 }, (_, i) => i + 1));
  noB(t, response.body, 'audit');
  t.same(response.body.data!.auditChain.ok, true);
  t.equal(response.body.data!.auditChain.length, 11);
});

t.test('cursors forged to encode B\'s rows return A\'s rows after that position, never B\'s', async (t) => {
  const page = 'query P($after: String) { objects(type: "Customer", first: 50, after: $after) { nodes { externalId properties } } }';
  const real = decode((await gateway.query(adminA, '{ objects(type: "Customer", first: 1) { pageInfo { endCursor } } }')).body.data!.objects.pageInfo.endCursor);
  const bRow = seeded.ids.B.get('Customer/c-004')!;
  const forged = await gateway.query(adminA, page, { after: cursor({ ...real, v: ['c-004'], i: bRow }) });
  t.same(forged.codes, []);
  const ids: string[] = forged.body.data!.objects.nodes.map((n: any) => n.externalId);
  const aIds = Array.from({ length: 30 }, (_, i) => `c-${String(i).padStart(3, '0')}`);
  // A's own c-004 comes first or not, depending on how its row id compares with B's.
  t.same(ids.filter((id) => id !== 'c-004'), aIds.filter((id) => id > 'c-004'), "A's rows after that position, in order");
  noB(t, forged.body, 'forged object cursor');
  const bOnly = await gateway.query(adminA, page, { after: cursor({ ...real, v: ['b-only-1'], i: seeded.ids.B.get('Customer/b-only-1')! }) });
  noB(t, bOnly.body, 'forged cursor at a B-only row');

  const proposals = 'query P($after: String) { proposals(after: $after) { nodes { id proposedBy } } }';
  const bProposal = seeded.proposals.B[0]!;
  const forgedProposal = await gateway.query(adminA, proposals, { after: cursor({ k: 'proposals', o: 'created_at-desc', v: ['2999-01-01T00:00:00.000000Z'], i: bProposal }) });
  t.same(forgedProposal.body.data!.proposals.nodes.map((p: any) => p.id).sort(), [...seeded.proposals.A].sort());
  noB(t, forgedProposal.body, 'forged proposal cursor');

  const audit = 'query A($after: String) { auditEvents(after: $after) { nodes { seq event } } }';
  const forgedAudit = await gateway.query(adminA, audit, { after: cursor({ k: 'audit', o: 'ASC', v: [], i: '0' }) });
  t.equal(forgedAudit.body.data!.auditEvents.nodes.length, 11);
  noB(t, forgedAudit.body, 'forged audit cursor');
});

t.test('one pooled connection serves both tenants in turn without carrying the tenant over', async (t) => {
  const single = await startGateway(t, seeded.db.gateway, { GATEWAY_DB_POOL_SIZE: '1' });
  for (let round = 0; round < 5; round += 1) {
    const [a, b] = await Promise.all([
      single.query(adminA, '{ object(type: "Customer", id: "c-001") { properties } }'),
      single.query(adminB, '{ object(type: "Customer", id: "c-001") { properties } }'),
    ]);
    t.equal(a.body.data!.object.properties.name, 'Customer 1', `round ${round}: A`);
    t.equal(b.body.data!.object.properties.name, 'B customer 1', `round ${round}: B`);
  }
});

t.test('a batch runs under its one token: every operation answers for A', async (t) => {
  const response = await gateway.post(adminA, [
    { query: '{ object(type: "Customer", id: "c-002") { properties } }' },
    { query: '{ proposals { nodes { proposedBy } } }' },
  ]);
  t.equal(response.statusCode, 200);
  t.equal((response.body as any)[0].data.object.properties.name, 'Customer 2');
  noB(t, response.body, 'batch');
});
