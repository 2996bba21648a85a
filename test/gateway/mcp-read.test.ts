// The MCP Truth API's read tools with the official SDK client over Streamable HTTP, against a
// gateway on the real stack with two seeded tenants: what tools/list advertises, and each tool
// on tenant A's data (filters, ordering, pages, lookups by external and global id, bounded
// traversal, similarity, the ontology, the tool catalog, proposals), with redaction by role.
import { readFileSync } from 'node:fs';
import { buildSchema, getDirectiveValues } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { MUTATIONS_SCHEMA_FILE } from '../../gateway/commands/index.ts';
import { PROPOSERS } from '../../gateway/roles.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { answered, callTool, connectMcp, mcpUrl } from '../support/gateway/mcp-client.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { CUSTOMERS_A, PUMP_CENTERS, seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const url = await mcpUrl(gateway.app);
const viewer = await connectMcp(t, url, await tokenFor(TENANT_A, ['viewer'], 'agent:reader'));
const operator = await connectMcp(t, url, await tokenFor(TENANT_A, ['operator'], 'agent:operator'));

const TOOLS = ['describe_types', 'search_objects', 'get_object', 'traverse', 'similar_objects', 'list_tools', 'propose_action', 'get_proposal'];

t.test('tools/list names every tool with JSON Schemas for input and output', async (t) => {
  const { tools } = await viewer.listTools();
  t.same(tools.map((tool) => tool.name), TOOLS);
  for (const tool of tools) {
    t.equal(tool.inputSchema.type, 'object', `${tool.name}: input is an object`);
    t.equal(tool.outputSchema?.type, 'object', `${tool.name}: output is an object`);
    t.ok((tool.description ?? '').length > 40, `${tool.name}: described`);
    t.equal(tool.annotations?.readOnlyHint, tool.name !== 'propose_action', `${tool.name}: read-only hint`);
  }
  const search = tools.find((tool) => tool.name === 'search_objects')!;
  t.match(search.inputSchema.properties, { first: { type: 'integer', minimum: 1, maximum: 200 } }, 'the page cap is in the schema');
  t.same(search.inputSchema.required, ['type']);
  t.equal((search.inputSchema as { additionalProperties?: unknown }).additionalProperties, false, 'unknown arguments are refused');
  const traverse = tools.find((tool) => tool.name === 'traverse')!;
  t.match(traverse.inputSchema.properties, { maxDepth: { maximum: 4 }, maxFanOut: { maximum: 50 } });
  t.equal(viewer.getServerVersion()?.name, 'aix-l3-truth-api');
  t.match(viewer.getInstructions(), /describe_types/);
});

t.test('propose_action needs the roles the propose mutation needs', async (t) => {
  const schema = buildSchema([SCHEMA_FILE, MUTATIONS_SCHEMA_FILE].map((file) => readFileSync(file, 'utf8')).join('\n'));
  const propose = schema.getMutationType()!.getFields().propose!;
  const roles = (getDirectiveValues(schema.getDirective('requiresRole')!, propose.astNode!) as { anyOf: string[] }).anyOf.map((role) => role.toLowerCase());
  t.same(roles.sort(), [...PROPOSERS].sort());
});

t.test('describe_types', async (t) => {
  const all = await callTool(viewer, 'describe_types');
  answered(t, all);
  t.same(all.structured!.objectTypes.map((type: { name: string }) => type.name).sort(), ['Customer', 'Pump', 'Site']);
  t.same(all.structured!.linkTypes.map((type: { name: string }) => type.name).sort(), ['feeds', 'installedAt', 'owns']);
  const customer = all.structured!.objectTypes.find((type: { name: string }) => type.name === 'Customer');
  t.match(customer.properties.find((p: { name: string }) => p.name === 'email'), { dataType: 'string', sensitive: true });
  t.match(all.text, /^3 object type\(s\): Customer, Pump, Site; 3 link type\(s\)\.\n\{/, 'a summary line, then the JSON');
  t.same(JSON.parse(all.text.split('\n').slice(1).join('\n')), all.structured, 'the text carries the structured content');

  const pump = await callTool(viewer, 'describe_types', { type: 'Pump' });
  t.same(pump.structured!.objectTypes.map((type: { name: string }) => type.name), ['Pump']);
  t.same(pump.structured!.linkTypes.map((type: { name: string }) => type.name).sort(), ['feeds', 'installedAt']);
  t.equal((await callTool(viewer, 'describe_types', { type: 'Nope' })).code, 'NOT_FOUND');
});

t.test('search_objects: filters, ordering, pages', async (t) => {
  const gold = await callTool(viewer, 'search_objects', {
    type: 'Customer',
    where: { properties: [{ name: 'tier', eq: 'gold' }, { name: 'visits', gte: 3 }] },
    orderBy: [{ property: 'visits', direction: 'DESC' }, { field: 'EXTERNAL_ID' }],
    first: 100,
  });
  answered(t, gold);
  const expected = CUSTOMERS_A.filter((c) => c.properties.tier === 'gold' && (c.properties.visits as number) >= 3)
    .sort((a, b) => (b.properties.visits as number) - (a.properties.visits as number) || a.externalId.localeCompare(b.externalId))
    .map((c) => c.externalId);
  t.ok(expected.length > 3);
  t.same(gold.structured!.objects.map((o: { externalId: string }) => o.externalId), expected);
  t.equal(gold.structured!.hasNextPage, false);
  t.equal(gold.structured!.nextCursor, null);

  const nested = await callTool(viewer, 'search_objects', {
    type: 'Customer',
    where: { or: [{ externalIdIn: ['c-001', 'c-002'] }, { and: [{ properties: [{ name: 'name', contains: 'customer 2' }] }], not: { externalIdIn: ['c-020'] } }] },
    first: 50,
  });
  answered(t, nested);
  t.same(nested.structured!.objects.map((o: { externalId: string }) => o.externalId), ['c-001', 'c-002', 'c-021', 'c-022', 'c-023', 'c-024', 'c-025', 'c-026', 'c-027', 'c-028', 'c-029']);

  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const result = await callTool(viewer, 'search_objects', { type: 'Customer', first: 7, ...(after === undefined ? {} : { after }) });
    answered(t, result);
    seen.push(...result.structured!.objects.map((o: { externalId: string }) => o.externalId));
    if (!result.structured!.hasNextPage) break;
    after = result.structured!.nextCursor;
  }
  t.same(seen, CUSTOMERS_A.map((c) => c.externalId), 'pages neither overlap nor skip, and the deleted customer is not there');

  const since = await callTool(viewer, 'search_objects', { type: 'Site', where: { updatedSince: '2000-01-01T00:00:00Z' } });
  t.equal(since.structured!.objects.length, 5);
});

t.test('get_object by external id and by global id; redaction by role', async (t) => {
  const byRef = await callTool(viewer, 'get_object', { type: 'Customer', id: 'c-005' });
  answered(t, byRef);
  const object = byRef.structured!.object;
  t.match(object, { type: 'Customer', externalId: 'c-005', version: 1, redacted: ['email'] });
  t.equal(object.properties.email, null, 'a viewer does not see the sensitive value');
  t.equal(object.properties.name, 'Customer 5');
  t.equal(object.id, Buffer.from(`OntologyObject:${seeded.ids.A.get('Customer/c-005')}`).toString('base64url'), 'the GraphQL API\'s global id');

  const byId = await callTool(operator, 'get_object', { id: object.id });
  answered(t, byId);
  t.equal(byId.structured!.object.properties.email, 'customer5@a.example', 'an operator sees it');
  t.same(byId.structured!.object.redacted, []);

  t.equal((await callTool(viewer, 'get_object', { type: 'Customer', id: 'c-deleted' })).code, 'NOT_FOUND', 'a deleted object is not found');
  t.equal((await callTool(viewer, 'get_object', { type: 'Customer', id: 'c-999' })).code, 'NOT_FOUND');
  t.equal((await callTool(viewer, 'get_object', { id: 'not-a-global-id' })).code, 'BAD_USER_INPUT');
});

t.test('traverse is bounded and says when it was truncated', async (t) => {
  const chain = await callTool(viewer, 'traverse', { from: { type: 'Pump', id: 'p-0' }, linkTypes: ['feeds'], maxDepth: 3 });
  answered(t, chain);
  t.same(chain.structured!.nodes.map((n: { depth: number; object: { externalId: string } }) => [n.depth, n.object.externalId]), [
    [0, 'p-0'],
    [1, 'p-1'],
    [2, 'p-2'],
    [3, 'p-3'],
  ]);
  t.same(chain.structured!.edges.map((e: { from: { id: string }; to: { id: string } }) => `${e.from.id}>${e.to.id}`), ['p-0>p-1', 'p-1>p-2', 'p-2>p-3'], 'the link to a deleted pump is not walked');
  t.equal(chain.structured!.truncated, false);
  t.equal(chain.structured!.root.externalId, 'p-0');

  const hub = await callTool(viewer, 'traverse', { from: { type: 'Pump', id: 'p-hub' }, maxDepth: 1, maxFanOut: 5 });
  t.equal(hub.structured!.nodes.length, 6, 'the root and five of its twelve neighbours');
  t.equal(hub.structured!.truncated, true);

  const site = await callTool(viewer, 'traverse', { from: { type: 'Pump', id: 'p-0' }, linkTypes: ['installedAt'], maxDepth: 1 });
  t.match(site.structured!.edges, [{ linkType: 'installedAt', from: { type: 'Pump', id: 'p-0' }, to: { type: 'Site', id: 's-0' }, properties: { position: 'bay 0', gateCode: null }, redacted: ['gateCode'] }]);
  const siteOperator = await callTool(operator, 'traverse', { from: { type: 'Pump', id: 'p-0' }, linkTypes: ['installedAt'], maxDepth: 1 });
  t.equal(siteOperator.structured!.edges[0].properties.gateCode, 'gate-0');

  const incoming = await callTool(viewer, 'traverse', { from: { type: 'Site', id: 's-1' }, direction: 'IN', maxDepth: 1 });
  t.same(incoming.structured!.nodes.map((n: { object: { externalId: string } }) => n.object.externalId).sort(), ['c-001', 'p-1', 'p-6', 's-1']);
});

t.test('similar_objects to an object and to a vector', async (t) => {
  const near = await callTool(viewer, 'similar_objects', { to: { type: 'Pump', id: 'p-0' }, k: 5 });
  answered(t, near);
  const ids = near.structured!.results.map((r: { object: { externalId: string } }) => r.object.externalId);
  t.equal(ids.length, 5);
  t.notOk(ids.includes('p-0'), 'the object itself is left out');
  t.ok(ids.every((id: string) => Number(id.slice(2)) < 10), 'all from the same cluster');
  const distances = near.structured!.results.map((r: { distance: number }) => r.distance);
  t.same(distances, [...distances].sort((a, b) => a - b), 'nearest first');

  const vector = await callTool(viewer, 'similar_objects', { vector: PUMP_CENTERS[1], type: 'Pump', where: { properties: [{ name: 'status', eq: 'running' }] }, k: 3 });
  answered(t, vector);
  t.same(vector.structured!.results.map((r: { object: { externalId: string } }) => r.object.externalId), ['p-10', 'p-11', 'p-12']);
});

t.test('list_tools', async (t) => {
  const latest = await callTool(viewer, 'list_tools');
  answered(t, latest);
  t.same(latest.structured!.tools.map((tool: { name: string; version: number }) => `${tool.name}@${tool.version}`), ['customer.update_email@1', 'pump.restart@2']);
  t.match(latest.structured!.tools[1], { baseRisk: 'MEDIUM', effectKind: 'ONTOLOGY_EDIT', parameterSchema: { required: ['reason'] } });
  const versions = await callTool(viewer, 'list_tools', { name: 'pump.restart', allVersions: true });
  t.same(versions.structured!.tools.map((tool: { version: number }) => tool.version), [1, 2]);
});

t.test('get_proposal: state, approvals and history; governance readers only', async (t) => {
  const [pending, executed] = seeded.proposals.A;
  const read = await callTool(operator, 'get_proposal', { proposalId: pending! });
  answered(t, read);
  t.match(read.structured!.proposal, { id: pending, state: 'PENDING_APPROVAL', blastRadius: 'MEDIUM', proposedBy: 'agent:a', actionType: 'pump.restart' });
  t.same(read.structured!.proposal.approvals.map((a: { approver: string; current: boolean }) => [a.approver, a.current]), [
    ['user:a-approver-1', true],
    ['user:a-approver-2', false],
  ]);
  t.same(read.structured!.proposal.history.map((h: { to: string }) => h.to), ['PROPOSED', 'SIMULATED', 'PENDING_APPROVAL']);
  const approver = await connectMcp(t, url, await tokenFor(TENANT_A, ['approver']));
  t.equal((await callTool(approver, 'get_proposal', { proposalId: executed! })).structured!.proposal.state, 'EXECUTED');
  const refused = await callTool(viewer, 'get_proposal', { proposalId: pending! });
  t.equal(refused.code, 'FORBIDDEN');
  t.match(refused.text, /^FORBIDDEN: get_proposal needs one of the roles operator, approver, admin/);
  t.equal((await callTool(operator, 'get_proposal', { proposalId: '00000000-0000-4000-8000-000000000000' })).code, 'NOT_FOUND');
});
