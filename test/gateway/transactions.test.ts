// The request transaction (gateway/tenant-transaction.ts): opened lazily, scoped to the tenant by
// RLS even for a statement without WHERE, local to the transaction, serial, read-only, bounded
// by the statement timeout, and always ended with its connection back in the pool, whatever the
// request did (errors, refusals, batches, timeouts, clients that hang up).
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import t from 'tap';
import type { Test } from 'tap';
import type { GatewayContext } from '../../gateway/request-scope.ts';
import { TenantTransaction } from '../../gateway/tenant-transaction.ts';
import { connect } from '../support/database.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const admin = await connect(t, seeded.db.admin);
const countOf = async (tenant: string) =>
  (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM objects WHERE tenant_id = $1', [tenant])).rows[0]!.n;
const silent = { warn: () => {} };

function newPool(t: Test, max = 1, url = seeded.db.gateway): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  t.teardown(() => pool.end());
  return pool;
}
const idle = (pool: pg.Pool) => pool.totalCount === pool.idleCount && pool.waitingCount === 0;

t.test('opens on the first statement only, and a request without one takes no connection', async (t) => {
  const pool = newPool(t);
  const tx = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 5000, logger: silent });
  t.equal(tx.opened, false);
  await tx.finish('commit');
  t.equal(pool.totalCount, 0, 'no connection was taken');
  await t.rejects(tx.query('SELECT 1'), { code: 'INTERNAL', message: /ended/ }, 'no statement after finish');
});

t.test('a statement without WHERE sees one tenant, and the setting ends with the transaction', async (t) => {
  const pool = newPool(t);
  for (const tenant of [TENANT_A, TENANT_B, TENANT_A]) {
    const tx = new TenantTransaction({ pool, tenantId: tenant, statementTimeoutMs: 5000, logger: silent });
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM objects');
    t.equal(rows[0]!.n, await countOf(tenant), `tenant ${tenant.slice(0, 4)} counts its own rows only`);
    await tx.finish('commit');
    t.ok(idle(pool));
  }
  // The same (single) connection afterwards, outside any request transaction.
  const after = await pool.query<{ tenant: string | null; n: number }>("SELECT current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM objects) AS n");
  t.same(after.rows[0], { tenant: '', n: 0 }, 'no tenant left on the connection: nothing visible');
});

t.test('a tenant id that is not a UUID never reaches SQL (it is inlined into BEGIN)', async (t) => {
  const pool = newPool(t);
  for (const tenantId of ["x', true); SELECT set_config('app.tenant_id', '" + TENANT_B, '', `${TENANT_A} `]) {
    const tx = new TenantTransaction({ pool, tenantId, statementTimeoutMs: 5000, logger: silent });
    await t.rejects(tx.query('SELECT count(*) FROM objects'), { code: 'INTERNAL', message: /cannot open the request transaction/ }, JSON.stringify(tenantId));
    await tx.finish('commit');
  }
  await t.resolves(async () => {
    const check = await pool.query('SELECT 1');
    t.equal(check.rowCount, 1);
  }, 'the pool still works');
});

t.test('statements run one at a time, in order, without pg queueing them', async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const pool = newPool(t);
  const tx = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 5000, logger: silent });
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => tx.query<{ v: number }>('SELECT $1::int AS v', [i])));
  t.same(results.map((r) => r.rows[0]!.v), Array.from({ length: 25 }, (_, i) => i));
  await tx.finish('commit');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(warnings.filter((w) => /already executing a query/.test(w)), []);
});

t.test('the transaction is read-only; a failed statement fails the rest and still releases the connection', async (t) => {
  const pool = newPool(t);
  const tx = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 5000, logger: silent });
  await t.rejects(tx.query("DELETE FROM objects WHERE external_id = 'c-001'"), { code: 'INTERNAL' });
  await t.rejects(tx.query('SELECT 1'), { code: 'INTERNAL', message: /earlier statement/ });
  await tx.finish('commit');
  t.ok(idle(pool));
  t.equal(await countOf(TENANT_A), 58, 'nothing was deleted');
});

t.test('a statement past the timeout is QUERY_TIMEOUT and the connection comes back', async (t) => {
  const pool = newPool(t);
  const tx = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 50, logger: silent });
  await t.rejects(tx.query('SELECT pg_sleep(2)'), { code: 'QUERY_TIMEOUT' });
  await t.rejects(tx.query('SELECT 1'), { code: 'QUERY_TIMEOUT' });
  await tx.finish('commit');
  t.ok(idle(pool));
  t.equal(pool.totalCount, 1, 'the connection survived');
});

t.test('an unreachable database is INTERNAL and finish() still resolves', async (t) => {
  const pool = newPool(t, 1, 'postgres://l3_gateway:x@127.0.0.1:9/nowhere');
  const tx = new TenantTransaction({ pool, tenantId: TENANT_A, statementTimeoutMs: 50, logger: silent });
  await t.rejects(tx.query('SELECT 1'), { code: 'INTERNAL', message: 'database unavailable' });
  await tx.finish('rollback');
  t.equal(pool.totalCount, 0);
});

t.test('through the server, every kind of request gives its connection back', async (t) => {
  const pool = newPool(t, 2);
  const extensions = {
    schema: ['extend type Query { "Sleeps in the database (test)." sleep(ms: Int!): Int }'],
    resolvers: {
      Query: {
        sleep: async (_root: unknown, args: { ms: number }, context: GatewayContext) => {
          await context.db.query('SELECT pg_sleep($1::float8 / 1000)', [args.ms]);
          return args.ms;
        },
      },
    },
  };
  const gateway = await startGateway(t, seeded.db.gateway, { GATEWAY_STATEMENT_TIMEOUT_MS: '200' }, { pool, extensions });
  const viewer = await tokenFor(TENANT_A, ['viewer']);
  const outcomes = await Promise.all([
    gateway.query(viewer, '{ objects(type: "Customer", first: 5) { nodes { externalId links { to { externalId } } } } }'),
    gateway.query(viewer, '{ sleep(ms: 1000) }'),
    gateway.query(viewer, '{ viewer { subject } auditChain { ok } }'),
    gateway.query(viewer, '{ objects(type: "Customer", where: { properties: [{ name: "nope", eq: 1 }] }) { nodes { id } } }'),
    gateway.query(viewer, '{ nope }'),
    gateway.query(undefined, '{ viewer { subject } }'),
    gateway.post(viewer, [{ query: '{ sleep(ms: 10) }' }, { query: '{ tools { name } }' }, { query: '{ sleep(ms: 1000) }' }]),
    ...Array.from({ length: 20 }, () => gateway.query(viewer, '{ object(type: "Pump", id: "p-1") { links { to { externalId } } } }')),
  ]);
  t.same(outcomes[0]!.codes, []);
  t.same(outcomes[1]!.codes, ['QUERY_TIMEOUT']);
  t.same(outcomes[2]!.codes, ['FORBIDDEN']);
  t.same(outcomes[3]!.codes, ['BAD_USER_INPUT']);
  t.same(outcomes[4]!.codes, ['BAD_USER_INPUT']);
  t.same(outcomes[5]!.codes, ['UNAUTHENTICATED']);
  const batch = outcomes[6]!.body as unknown as { data: any; errors?: { extensions: { code: string } }[] }[];
  t.same([batch[0]!.data, batch[1]!.data.tools.length, batch[2]!.errors![0]!.extensions.code], [{ sleep: 10 }, 2, 'QUERY_TIMEOUT']);
  t.ok(outcomes.slice(7).every((o) => o.codes.length === 0), '20 concurrent requests on 2 connections all answered');
  t.ok(idle(pool), `all connections idle (total ${pool.totalCount}, idle ${pool.idleCount}, waiting ${pool.waitingCount})`);
});

t.test('a client that hangs up mid-request does not keep a connection', async (t) => {
  const pool = newPool(t, 1);
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const extensions = {
    schema: ['extend type Query { "Sleeps in the database (test)." slow: Int }'],
    resolvers: {
      Query: {
        slow: async (_root: unknown, _args: unknown, context: GatewayContext) => {
          const sleeping = context.db.query('SELECT pg_sleep(0.5)');
          started();
          await sleeping;
          return 1;
        },
      },
    },
  };
  const gateway = await startGateway(t, seeded.db.gateway, {}, { pool, extensions });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = gateway.app.server.address() as AddressInfo;
  const token = await tokenFor(TENANT_A);
  const client = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  client.on('error', () => {});
  client.end(JSON.stringify({ query: '{ slow }' }));
  await running;
  client.destroy();
  const deadline = Date.now() + 3000;
  while (!(pool.totalCount > 0 && idle(pool)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  t.ok(idle(pool), 'the connection is back in the pool');
  const next = await gateway.query(token, '{ viewer { subject } objectTypes { name } }');
  t.same(next.codes, [], 'and serves the next request');
});
