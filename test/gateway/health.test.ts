// /livez, /readyz, /metrics on the gateway's port, and the start-up check that refuses a
// database role under which tenant isolation or the single-writer rule would not hold.
import t from 'tap';
import { buildGateway } from '../../gateway/build-server.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../runtime/logger.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { TEST_JWT_SECRET, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const logger = createLogger({ name: 'gateway-test', level: 'silent' });
const configFor = (databaseUrl: string) => loadGatewayConfig({ DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, GATEWAY_MODE: 'development' });

t.test('/livez and /readyz answer when the database is up', async (t) => {
  const gateway = await startGateway(t, seeded.db.gateway);
  const live = await gateway.app.inject({ method: 'GET', url: '/livez' });
  t.same([live.statusCode, live.json()], [200, { status: 'ok' }]);
  const ready = await gateway.app.inject({ method: 'GET', url: '/readyz' });
  t.same([ready.statusCode, ready.json()], [200, { status: 'ok', checks: [{ name: 'postgres', ok: true }] }]);
});

t.test('when the database is down /livez still answers and /readyz says why it is not ready', async (t) => {
  const app = await buildGateway(configFor('postgres://l3_gateway:x@127.0.0.1:9/nowhere'), { logger, verifyDatabaseRole: false });
  t.teardown(() => app.close());
  t.equal((await app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.equal(ready.json().status, 'unavailable');
  t.equal(ready.json().checks[0].name, 'postgres');
  t.equal(ready.json().checks[0].ok, false);
  const graphql = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${await tokenFor(TENANT_A)}` }, payload: { query: '{ objectTypes { name } }' } });
  t.equal(graphql.json().errors[0].extensions.code, 'INTERNAL', 'a query gets INTERNAL, not a hang');
});

t.test('/metrics counts requests, operations, transactions and statements', async (t) => {
  const gateway = await startGateway(t, seeded.db.gateway);
  await gateway.query(await tokenFor(TENANT_A), '{ objectTypes { name } }');
  const metrics = await gateway.app.inject({ method: 'GET', url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(metrics.body, /l3_gateway_http_requests_total\{route="\/graphql",method="POST",status="200",service="gateway"\} 1/);
  t.match(metrics.body, /l3_gateway_http_request_duration_seconds_bucket\{/);
  t.match(metrics.body, /l3_gateway_graphql_operations_total\{outcome="ok",service="gateway"\} 1/);
  t.match(metrics.body, /l3_gateway_db_transactions_total\{service="gateway"\} 1/);
  t.match(metrics.body, /l3_gateway_db_queries_total\{service="gateway"\} 1/);
  t.match(metrics.body, /l3_gateway_process_cpu_user_seconds_total/);
});

t.test('the gateway refuses to start as a role that bypasses RLS, owns the tables or may write', async (t) => {
  for (const [name, url, reason] of [
    ['superuser', seeded.db.admin, /is a superuser/],
    ['owner', seeded.db.owner, /owns the tables/],
    ['processor', seeded.db.processor, /may write the tables/],
  ] as const) {
    const app = await buildGateway(configFor(url), { logger });
    await t.rejects(async () => app.ready(), reason, `${name} refused`);
    await app.close();
  }
  const app = await buildGateway(configFor(seeded.db.gateway), { logger });
  await t.resolves(async () => app.ready(), 'l3_gateway accepted');
  await app.close();
});
