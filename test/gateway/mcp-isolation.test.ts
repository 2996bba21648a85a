// Hostile callers of the MCP Truth API: a token of tenant A never reaches tenant B's data, not by
// type names, external ids or row ids B uses, not by traversal, similarity (a vector nearer to
// B's objects than to any of A's), a cursor taken from B, or B's proposal ids; oversized limits,
// malformed and hostile arguments are BAD_USER_INPUT before any database work; filtering on a
// sensitive property is FORBIDDEN for a viewer; only operators and admins may propose, and a
// refused or invalid proposal puts nothing on Kafka.
import t from 'tap';
import type { Test } from 'tap';
import { createCommandTopics, endOffset, readProposals } from '../support/gateway/command-topics.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { answered, callTool, connectMcp, mcpUrl, type ToolOutcome } from '../support/gateway/mcp-client.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const topics = await createCommandTopics();
const gateway = await startGateway(t, seeded.db.gateway, topics.env);
const url = await mcpUrl(gateway.app);
const adminA = await connectMcp(t, url, await tokenFor(TENANT_A, ['admin'], 'user:admin-a'));
const adminB = await connectMcp(t, url, await tokenFor(TENANT_B, ['admin'], 'user:admin-b'));
const viewerA = await connectMcp(t, url, await tokenFor(TENANT_A, ['viewer'], 'agent:viewer'));
const operatorA = await connectMcp(t, url, await tokenFor(TENANT_A, ['operator'], 'agent:operator'));

const B_MARKERS = ['B customer', 'b.example', 'SN-B-', 'NIGHTJAR', 'SecretProject', 'b.secret_tool', 'agent:b', 'b reason', TENANT_B];
const globalId = (rowId: string) => Buffer.from(`OntologyObject:${rowId}`).toString('base64url');

function noB(t: Test, outcome: ToolOutcome, what: string): void {
  const everything = JSON.stringify(outcome.result);
  for (const marker of B_MARKERS) t.notOk(everything.includes(marker), `${what}: nothing of tenant B (${marker})`);
}

function refused(t: Test, outcome: ToolOutcome, code: string, what: string): void {
  t.equal(outcome.code, code, `${what}: ${code}`, { text: outcome.text });
  t.equal(outcome.structured, undefined, `${what}: no structured content`);
  t.match(outcome.text, new RegExp(`^${code}: `), `${what}: the text starts with the code`);
}

t.test('tenant B really has the data these tests look for', async (t) => {
  const secret = await callTool(adminB, 'get_object', { type: 'SecretProject', id: 'x-1' });
  t.equal(secret.structured?.object.properties.codename, 'NIGHTJAR');
  t.equal((await callTool(adminB, 'get_object', { type: 'Customer', id: 'c-000' })).structured?.object.properties.name, 'B customer 0');
});

t.test('the ontology and the tool catalog are the caller\'s tenant\'s', async (t) => {
  const types = await callTool(adminA, 'describe_types');
  answered(t, types);
  noB(t, types, 'describe_types');
  refused(t, await callTool(adminA, 'describe_types', { type: 'SecretProject' }), 'NOT_FOUND', "B's type by name");
  const tools = await callTool(adminA, 'list_tools', { allVersions: true });
  noB(t, tools, 'list_tools');
  t.same((await callTool(adminA, 'list_tools', { name: 'b.secret_tool' })).structured, { tools: [] }, "B's tool by name: nothing");
});

t.test('objects: by list, by B\'s external ids, by B\'s row ids, by a cursor taken from B', async (t) => {
  const customers = await callTool(adminA, 'search_objects', { type: 'Customer', first: 200 });
  answered(t, customers);
  noB(t, customers, 'search_objects');
  t.same((await callTool(adminA, 'search_objects', { type: 'Customer', where: { externalIdIn: ['b-only-1'] } })).structured!.objects, []);
  refused(t, await callTool(adminA, 'search_objects', { type: 'SecretProject' }), 'NOT_FOUND', "search of B's type");

  const same = await callTool(adminA, 'get_object', { type: 'Customer', id: 'c-000' });
  t.equal(same.structured!.object.properties.name, 'Customer 0', "an external id both tenants use finds A's object");
  refused(t, await callTool(adminA, 'get_object', { type: 'Customer', id: 'b-only-1' }), 'NOT_FOUND', "B's external id");
  refused(t, await callTool(adminA, 'get_object', { type: 'SecretProject', id: 'x-1' }), 'NOT_FOUND', "B's type and id");
  for (const [key, rowId] of seeded.ids.B) {
    const guessed = await callTool(adminA, 'get_object', { id: globalId(rowId) });
    refused(t, guessed, 'NOT_FOUND', `B's row id of ${key}`);
    noB(t, guessed, `B's row id of ${key}`);
  }

  const pageOfB = await callTool(adminB, 'search_objects', { type: 'Customer', first: 3 });
  const cursorOfB = pageOfB.structured!.nextCursor as string;
  t.ok(cursorOfB, 'B has a next page');
  const continued = await callTool(adminA, 'search_objects', { type: 'Customer', first: 50, after: cursorOfB });
  noB(t, continued, "A's search after B's cursor");
});

t.test('traversal and similarity stay in the tenant', async (t) => {
  const walk = await callTool(adminA, 'traverse', { from: { type: 'Customer', id: 'c-000' }, direction: 'BOTH', maxDepth: 4, maxFanOut: 50 });
  answered(t, walk);
  noB(t, walk, 'traverse from an external id both tenants use');
  const pumps = await callTool(adminA, 'traverse', { from: { type: 'Pump', id: 'p-19' }, direction: 'BOTH', maxDepth: 4, maxFanOut: 50 });
  noB(t, pumps, 'traverse along feeds');
  refused(t, await callTool(adminA, 'traverse', { from: { type: 'SecretProject', id: 'x-1' } }), 'NOT_FOUND', 'traverse from B\'s object');
  refused(t, await callTool(adminA, 'traverse', { from: { type: 'Customer', id: 'c-000' }, linkTypes: ['funds'] }), 'NOT_FOUND', "B's link type");

  const decoys = await callTool(adminA, 'similar_objects', { vector: seeded.decoyCenter, k: 50 });
  answered(t, decoys);
  t.ok(decoys.structured!.results.length >= 20, "A's embedded pumps are found");
  noB(t, decoys, "similarity to B's decoy cluster");
  refused(t, await callTool(adminA, 'similar_objects', { to: { type: 'Customer', id: 'b-only-1' } }), 'NOT_FOUND', "similar to B's object");
});

t.test("B's proposals are not found by id", async (t) => {
  for (const id of seeded.proposals.B) {
    const guessed = await callTool(adminA, 'get_proposal', { proposalId: id });
    refused(t, guessed, 'NOT_FOUND', `B's proposal ${id}`);
    noB(t, guessed, "B's proposal");
  }
  answered(t, await callTool(adminA, 'get_proposal', { proposalId: seeded.proposals.A[0]! }));
});

t.test('oversized limits and bad arguments are BAD_USER_INPUT before any database work', async (t) => {
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 1_000; i += 1) cursor = cursor.not = {};
  const nested = (levels: number): Record<string, unknown> => (levels === 0 ? { externalIdIn: ['c-001'] } : { not: nested(levels - 1) });
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['page above GATEWAY_MAX_PAGE_SIZE', 'search_objects', { type: 'Customer', first: 201 }, /first/],
    ['page of zero', 'search_objects', { type: 'Customer', first: 0 }, /first/],
    ['page not an integer', 'search_objects', { type: 'Customer', first: 'ten' }, /first/],
    ['traversal too deep', 'traverse', { from: { type: 'Pump', id: 'p-0' }, maxDepth: 5 }, /maxDepth/],
    ['fan-out too wide', 'traverse', { from: { type: 'Pump', id: 'p-0' }, maxFanOut: 51 }, /maxFanOut/],
    ['too many link types', 'traverse', { from: { type: 'Pump', id: 'p-0' }, linkTypes: Array.from({ length: 51 }, (_, i) => `l${i}`) }, /linkTypes/],
    ['k too large', 'similar_objects', { to: { type: 'Pump', id: 'p-0' }, k: 51 }, /\bk\b/],
    ['vector of the wrong dimension', 'similar_objects', { vector: [1, 2, 3] }, /vector/],
    ['unknown argument', 'search_objects', { type: 'Customer', limit: 10 }, /limit/],
    ['missing argument', 'get_object', {}, /\bid\b/],
    ['cursor too long', 'search_objects', { type: 'Customer', after: 'x'.repeat(5_000) }, /after/],
    ['a filter 1,000 levels deep', 'search_objects', { type: 'Customer', where: deep }, /nest at most/],
    ['U+0000 in a string', 'get_object', { type: 'Customer', id: 'c-\u0000' }, /U\+0000/],
    ['too many values', 'search_objects', { type: 'Customer', where: { externalIdIn: Array.from({ length: 6_000 }, (_, i) => `c-${i}`) } }, /at most/],
    ['not a UUID', 'get_proposal', { proposalId: "1' OR '1'='1" }, /UUID/],
    ['an unknown tool', 'drop_tables', {}, /no tool named/],
  ];
  const transactions = await gateway.dbTransactions();
  for (const [name, tool, args, message] of cases) {
    const outcome = await callTool(viewerA, tool, args);
    refused(t, outcome, 'BAD_USER_INPUT', name);
    t.match(outcome.text, message, `${name}: says what is wrong`);
  }
  t.equal(await gateway.dbTransactions(), transactions, 'none of them opened a transaction');

  // Checked against the ontology (so after the catalog is read), still coded.
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', where: nested(6) }), 'BAD_USER_INPUT', 'a filter nested 6 levels');
  const conditions = Array.from({ length: 51 }, () => ({ name: 'tier', eq: 'gold' }));
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', where: { properties: conditions } }), 'BAD_USER_INPUT', '51 conditions');
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', where: { properties: [{ name: 'nope', eq: 1 }] } }), 'BAD_USER_INPUT', 'an unknown property');
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', where: { properties: [{ name: 'visits', eq: 'many' }] } }), 'BAD_USER_INPUT', 'a value of the wrong type');
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', after: 'bm90LWEtY3Vyc29y' }), 'BAD_USER_INPUT', 'a malformed cursor');
});

t.test('sensitive properties: a viewer may neither read nor filter on them', async (t) => {
  const filter = await callTool(viewerA, 'search_objects', { type: 'Customer', where: { properties: [{ name: 'email', contains: '@a.example' }] } });
  refused(t, filter, 'FORBIDDEN', 'a filter on a sensitive property (an oracle for its value)');
  refused(t, await callTool(viewerA, 'search_objects', { type: 'Customer', orderBy: [{ property: 'email' }] }), 'FORBIDDEN', 'ordering on it');
  const read = await callTool(viewerA, 'search_objects', { type: 'Customer', first: 200 });
  t.notOk(JSON.stringify(read.result).includes('@a.example'), 'no value anywhere in the answer');
  answered(t, await callTool(operatorA, 'search_objects', { type: 'Customer', where: { properties: [{ name: 'email', contains: '@a.example' }] } }));
});

t.test('only operators and admins propose; refused and invalid proposals produce nothing', async (t) => {
  const valid = { actionType: 'pump.restart', targets: [{ type: 'Pump', id: 'p-1' }], parameters: { reason: 'vibration' } };
  const before = await endOffset(topics.proposals);
  const approverA = await connectMcp(t, url, await tokenFor(TENANT_A, ['approver'], 'user:approver'));
  for (const [who, client] of [
    ['a viewer', viewerA],
    ['an approver', approverA],
  ] as const) {
    const outcome = await callTool(client, 'propose_action', valid);
    refused(t, outcome, 'FORBIDDEN', `${who} proposing`);
    t.match(outcome.text, /operator, admin/);
  }
  const invalid: [string, Record<string, unknown>][] = [
    ['an action type that is no tool name', { ...valid, actionType: 'drop table;' }],
    ['101 targets', { ...valid, targets: Array.from({ length: 101 }, (_, i) => ({ type: 'Pump', id: `p-${i}` })) }],
    ['a target type that is no type name', { ...valid, targets: [{ type: 'Pump"; --', id: 'p-1' }] }],
    ['parameters that are a list', { ...valid, parameters: ['reason'] }],
    ['parameters above 64 KiB', { ...valid, parameters: { reason: 'x'.repeat(70_000) } }],
    ['an idempotency key of 257 characters', { ...valid, idempotencyKey: 'k'.repeat(257) }],
    ['a version of zero', { ...valid, actionTypeVersion: 0 }],
    ['a target without id', { ...valid, targets: [{ type: 'Pump' }] }],
    ['an extra field', { ...valid, proposedBy: 'user:someone-else' }],
  ];
  for (const [name, args] of invalid) refused(t, await callTool(operatorA, 'propose_action', args), 'BAD_USER_INPUT', name);
  t.equal(await endOffset(topics.proposals), before, 'nothing was produced');

  const accepted = await callTool(operatorA, 'propose_action', { ...valid, idempotencyKey: 'isolation-1' });
  answered(t, accepted);
  t.equal(await endOffset(topics.proposals), before + 1, 'a valid proposal is one record');
  const [record] = (await readProposals(topics.proposals)).filter((p) => p.proposalId === accepted.structured!.proposalId);
  t.match(record, { tenantId: TENANT_A, proposedBy: 'agent:operator', actionType: 'pump.restart', idempotencyKey: 'isolation-1' }, "the token's tenant and subject, not the caller's word");
  t.equal(record!.record.key, `${TENANT_A}:${accepted.structured!.proposalId}`);
});
