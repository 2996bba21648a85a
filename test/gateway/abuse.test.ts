// Abuse: documents too deep, too costly, too aliased, batches too large, introspection in
// production, oversized documents. Each is refused with its code before execution: no statement
// runs and no transaction opens (the gateway's own counters say so), and the answer has no data.
import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import t from 'tap';
import type { Test } from 'tap';
import { startGateway, type GraphQLResponse, type TestGateway } from '../support/gateway/gateway-harness.ts';
import { signToken, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const token = await tokenFor(TENANT_A, ['admin']);

async function refusedBeforeExecution(t: Test, gw: TestGateway, send: () => Promise<GraphQLResponse>, code: string, status = 400): Promise<GraphQLResponse> {
  const [queries, transactions] = [await gw.dbQueries(), await gw.dbTransactions()];
  const response = await send();
  t.same(response.codes, [code], `refused with ${code}`);
  t.equal(response.statusCode, status, `HTTP ${status}`);
  t.equal(response.body.data, null, 'no data');
  t.equal(await gw.dbQueries(), queries, 'no statement ran');
  t.equal(await gw.dbTransactions(), transactions, 'no transaction was opened');
  return response;
}

const nest = (levels: number): string => {
  let inner = 'externalId';
  for (let i = 0; i < levels; i += 1) inner = `links(first: 1) { to { ${inner} } }`;
  return `{ objects(type: "Pump", first: 1) { nodes { ${inner} } } }`;
};

t.test('an operation deeper than GATEWAY_MAX_DEPTH is QUERY_TOO_DEEP', async (t) => {
  // objects > nodes > (links > to) x 3 > externalId = 9 levels; the limit is 8.
  const response = await refusedBeforeExecution(t, gateway, () => gateway.query(token, nest(3)), 'QUERY_TOO_DEEP');
  t.match(response.body.errors![0]!.message, /9 levels deep; the limit is 8/);
  // Through fragments too.
  const viaFragments = `{ objects(type: "Pump", first: 1) { nodes { ...A } } }
    fragment A on OntologyObject { links(first: 1) { to { ...B } } }
    fragment B on OntologyObject { links(first: 1) { to { ...C } } }
    fragment C on OntologyObject { links(first: 1) { to { externalId } } }`;
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, viaFragments), 'QUERY_TOO_DEEP');
  const allowed = await gateway.query(token, nest(2));
  t.same(allowed.codes, [], '7 levels are fine');
});

t.test('an operation costing more than GATEWAY_MAX_COST is QUERY_TOO_COSTLY, with variables taken into account', async (t) => {
  const query = 'query Q($n: Int) { objects(type: "Customer", first: $n) { nodes { externalId links(first: $n) { to { externalId } } } } }';
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, query, { n: 100 }), 'QUERY_TOO_COSTLY');
  t.same((await gateway.query(token, query, { n: 5 })).codes, [], 'the same document with small pages runs');
  // Omitted arguments cost their schema defaults: 50 objects x 20 links each.
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, '{ objects(type: "Customer") { nodes { links { from { links { to { externalId } } } } } } }'), 'QUERY_TOO_COSTLY');
  await refusedBeforeExecution(
    t,
    gateway,
    () => gateway.query(token, '{ traverse(from: { type: "Pump", id: "p-hub" }, maxDepth: 4, maxFanOut: 50) { nodes { object { links(first: 50) { linkType } } } } }'),
    'QUERY_TOO_COSTLY',
  );
});

t.test('more aliases than GATEWAY_MAX_ALIASES is TOO_MANY_ALIASES; fewer aliases still pay their cost', async (t) => {
  const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, aliased(21, 'viewer { subject }')), 'TOO_MANY_ALIASES');
  t.same((await gateway.query(token, aliased(20, 'viewer { subject }'))).codes, [], '20 aliases are fine');
  // 20 aliases of a 200-object page with links: amplification the cost limit catches.
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, aliased(20, 'objects(type: "Customer", first: 200) { nodes { externalId properties } }')), 'QUERY_TOO_COSTLY');
});

t.test('a batch of more than GATEWAY_MAX_BATCH operations, or none, is BATCH_TOO_LARGE', async (t) => {
  const op = { query: '{ objects(type: "Customer", first: 1) { nodes { externalId } } }' };
  await refusedBeforeExecution(t, gateway, () => gateway.post(token, Array.from({ length: 11 }, () => op)), 'BATCH_TOO_LARGE');
  await refusedBeforeExecution(t, gateway, () => gateway.post(token, []), 'BATCH_TOO_LARGE');
  const ten = await gateway.post(token, Array.from({ length: 10 }, () => op));
  t.equal(ten.statusCode, 200);
  t.equal((ten.body as unknown as unknown[]).length, 10, 'ten operations answered');
  // In a batch, each operation is checked on its own: the costly one is refused, the rest run.
  const mixed = await gateway.post(token, [op, { query: '{ objects(type: "Customer", first: 200) { nodes { links(first: 200) { linkType } } } }' }]);
  const [ok, costly] = mixed.body as unknown as GraphQLResponse['body'][];
  t.equal(ok!.data!.objects.nodes.length, 1);
  t.same(costly!.errors!.map((e) => e.extensions.code), ['QUERY_TOO_COSTLY']);
});

t.test('introspection is refused in production and allowed in development; GraphiQL only in development', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const keySet = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
  const production = await startGateway(t, seeded.db.gateway, { GATEWAY_MODE: 'production', JWT_SECRET: '', JWKS_URL: 'https://id.example/jwks.json' }, { keySet });
  const prodToken = await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['admin'] }, { key: privateKey, alg: 'ES256', kid: 'k' });
  await refusedBeforeExecution(t, production, () => production.query(prodToken, '{ __schema { types { name } } }'), 'FORBIDDEN', 403);
  await refusedBeforeExecution(t, production, () => production.query(prodToken, '{ __type(name: "Query") { name } }'), 'FORBIDDEN', 403);
  await refusedBeforeExecution(t, production, () => production.query(prodToken, '{ objectTypes { name } a: __type(name: "Query") { name } }'), 'FORBIDDEN', 403);
  t.same((await production.query(prodToken, '{ viewer { __typename subject } }')).codes, [], '__typename is not introspection');
  t.equal((await production.app.inject({ method: 'GET', url: '/graphiql' })).statusCode, 404);

  const development = await gateway.query(token, '{ __schema { queryType { name } } }');
  t.same(development.body.data, { __schema: { queryType: { name: 'Query' } } });
  t.equal((await gateway.app.inject({ method: 'GET', url: '/graphiql' })).statusCode, 200);
});

t.test('oversized documents and fragment bombs are refused quickly', async (t) => {
  const huge = `{ ${Array.from({ length: 3000 }, () => 'viewer { subject }').join(' ')} }`;
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, huge), 'BAD_USER_INPUT');
  // Each fragment spreads the next twice: 2^12 copies of the innermost selection.
  const fragments = Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
  const bomb = `{ ...F0 }\n${fragments}\nfragment F12 on Query { objects(type: "Customer", first: 10) { nodes { externalId } } }`;
  const started = Date.now();
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, bomb), 'QUERY_TOO_COSTLY');
  t.ok(Date.now() - started < 2000, `refused in ${Date.now() - started} ms`);
});

t.test('filters cannot grow without bound either', async (t) => {
  const conditions = Array.from({ length: 51 }, (_, i) => ({ name: 'visits', eq: i }));
  const response = await gateway.query(token, 'query Q($w: ObjectFilter) { objects(type: "Customer", where: $w) { nodes { externalId } } }', { w: { or: conditions.map((c) => ({ properties: [c] })) } });
  t.same(response.codes, ['BAD_USER_INPUT']);
  t.match(response.body.errors![0]!.message, /at most 50 conditions/);
});

t.test('U+0000 in any string of the request is refused before it can reach Postgres', async (t) => {
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, 'query Q($id: String!) { object(type: "Customer", id: $id) { id } }', { id: 'c-001\u0000' }), 'BAD_USER_INPUT');
  await refusedBeforeExecution(t, gateway, () => gateway.query(token, '{ tools(name: "x\\u0000") { name } }'), 'BAD_USER_INPUT');
});

t.test('refusals are counted by code on /metrics', async (t) => {
  await gateway.query(token, nest(5));
  const metrics = await gateway.app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /l3_gateway_graphql_operations_total\{outcome="QUERY_TOO_DEEP",service="gateway"\} \d+/);
  t.match(metrics.body, /l3_gateway_graphql_operations_total\{outcome="ok",service="gateway"\} \d+/);
});
