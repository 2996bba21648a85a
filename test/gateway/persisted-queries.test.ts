// Persisted queries: the committed file is consistent (every hash is its query's SHA-256, every
// query is valid and affordable), a known hash runs in both request formats, and with
// GATEWAY_PERSISTED_ONLY=true an ad-hoc document is refused before anything else happens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { loadPersistedQueries, sha256Hex } from '../../gateway/protection/persisted-queries.ts';
import { operationCost } from '../../gateway/protection/query-cost.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const queries = loadPersistedQueries();
const hashOf = (name: string): string => [...queries].find(([, query]) => query.startsWith(`query ${name}`))![0];

t.test('the committed file: hashes match, queries validate against the schema and fit the default cost budget', async (t) => {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  const { limits } = loadGatewayConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/x', JWT_SECRET: 'x'.repeat(32), GATEWAY_MODE: 'development' });
  t.ok(queries.size >= 8, `${queries.size} persisted queries`);
  for (const [hash, query] of queries) {
    t.equal(sha256Hex(query), hash, `${hash.slice(0, 12)} is the SHA-256 of its query`);
    const document = parse(query);
    t.same(validate(schema, document).map((e) => e.message), [], `${query.slice(0, 40)}... is valid`);
    const cost = operationCost(schema, document, undefined, {}, { maxCost: limits.maxCost, maxTraversalNodes: limits.maxTraversalNodes });
    t.ok(cost !== undefined, `${query.slice(0, 40)}... costs ${cost} with default arguments`);
  }
});

t.test('a file whose hash does not match its query is refused at start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'persisted-'));
  const file = join(dir, 'queries.json');
  writeFileSync(file, JSON.stringify({ ['0'.repeat(64)]: '{ viewer { subject } }' }));
  t.throws(() => loadPersistedQueries(file), /is not the SHA-256 of its query/);
  writeFileSync(file, '[]');
  t.throws(() => loadPersistedQueries(file), /expected an object/);
});

t.test('served', async (t) => {
  const seeded = await seedTwoTenants(t);
  const token = await tokenFor(TENANT_A, ['operator']);
  const open = await startGateway(t, seeded.db.gateway);
  const only = await startGateway(t, seeded.db.gateway, { GATEWAY_PERSISTED_ONLY: 'true' });

  t.test('a known hash runs, in Mercurius\' and in Apollo\'s format, with variables', async (t) => {
    for (const gateway of [open, only]) {
      const prepared = await gateway.post(token, { query: hashOf('ObjectByExternalId'), persisted: true, variables: { type: 'Customer', id: 'c-001' } });
      t.same(prepared.codes, []);
      t.equal(prepared.body.data!.object.externalId, 'c-001');
      const apollo = await gateway.post(token, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('AuditChain') } } });
      t.same(apollo.body.data!.auditChain.ok, true);
      const get = await gateway.app.inject({
        method: 'GET',
        url: `/graphql?persisted=true&query=${hashOf('ObjectTypes')}`,
        headers: { authorization: `Bearer ${token}` },
      });
      t.equal(get.statusCode, 200);
      t.ok(get.json().data.objectTypes.length > 0);
    }
  });

  t.test('an unknown or malformed hash is PERSISTED_QUERY_NOT_FOUND', async (t) => {
    for (const gateway of [open, only]) {
      const unknown = await gateway.post(token, { query: 'f'.repeat(64), persisted: true });
      t.same(unknown.codes, ['PERSISTED_QUERY_NOT_FOUND']);
      t.equal(unknown.statusCode, 400);
      t.same((await gateway.post(token, { query: '{ viewer { subject } }', persisted: true })).codes, ['PERSISTED_QUERY_NOT_FOUND']);
      t.same((await gateway.post(token, { extensions: { persistedQuery: { version: 2, sha256Hash: hashOf('AuditChain') } } })).codes, ['PERSISTED_QUERY_NOT_FOUND']);
    }
  });

  t.test('in persisted-only mode an ad-hoc document is PERSISTED_QUERY_REQUIRED before any database work', async (t) => {
    const [queriesBefore, transactionsBefore] = [await only.dbQueries(), await only.dbTransactions()];
    const response = await only.query(token, '{ objects(type: "Customer") { nodes { externalId } } }');
    t.same(response.codes, ['PERSISTED_QUERY_REQUIRED']);
    t.equal(response.statusCode, 400);
    t.equal(response.body.data, null);
    const sameText = await only.query(token, queries.get(hashOf('AuditChain'))!);
    t.same(sameText.codes, ['PERSISTED_QUERY_REQUIRED'], 'even the text of a persisted query must come as its hash');
    const get = await only.app.inject({ method: 'GET', url: '/graphql?query=%7Bviewer%7Bsubject%7D%7D', headers: { authorization: `Bearer ${token}` } });
    t.equal(get.json().errors[0].extensions.code, 'PERSISTED_QUERY_REQUIRED');
    t.equal(await only.dbQueries(), queriesBefore);
    t.equal(await only.dbTransactions(), transactionsBefore);
    t.same((await open.query(token, '{ viewer { subject } }')).codes, [], 'the same request runs when ad-hoc documents are allowed');
  });

  t.test('authentication still comes first', async (t) => {
    const response = await only.post(undefined, { query: hashOf('AuditChain'), persisted: true });
    t.same(response.codes, ['UNAUTHENTICATED']);
  });
});
