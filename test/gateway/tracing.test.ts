// The gateway's OpenTelemetry spans (gateway/request-tracing.ts): a GraphQL request is a SERVER
// span under the caller's traceparent, named after its operation, with its tenant and error
// codes; health checks are not traced. Exported to a real OTLP/HTTP receiver.
import t from 'tap';
import { startTelemetry } from '../../runtime/telemetry.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';
import { waitFor } from '../support/materializer/harness.ts';
import { startOtlpReceiver } from '../support/telemetry/otlp-receiver.ts';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

const seeded = await seedTwoTenants(t);
const receiver = await startOtlpReceiver(t);
const telemetry = startTelemetry('l3-gateway-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
t.teardown(() => telemetry.shutdown());
const gateway = await startGateway(t, seeded.db.gateway, {}, { tracer: telemetry.tracer });

t.test('a GraphQL request is a span under the caller’s traceparent', async (t) => {
  const token = await tokenFor(TENANT_A, ['viewer']);
  const ok = await gateway.post(token, { query: 'query Customers { objects(type: "Customer", first: 2) { nodes { externalId } } }' }, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
  t.equal(ok.statusCode, 200);
  const failed = await gateway.post(token, { query: 'query Nope { objects(type: "Nope") { nodes { externalId } } }' }, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
  t.same(failed.codes, ['NOT_FOUND']);
  await gateway.app.inject({ method: 'GET', url: '/livez' });
  await telemetry.flush();
  await waitFor('both request spans', () => receiver.spans.filter((s) => s.traceId === TRACE_ID).length >= 2, 30_000);

  const customers = receiver.spans.find((s) => s.name === 'query Customers');
  t.match(customers, {
    service: 'l3-gateway-test',
    traceId: TRACE_ID,
    parentSpanId: PARENT_ID,
    kind: 2, // SERVER
    attributes: { 'http.route': '/graphql', 'http.response.status_code': 200, 'graphql.operation.type': 'query', 'graphql.operation.name': 'Customers', 'l3.tenant_id': TENANT_A },
  });
  t.match(receiver.spans.find((s) => s.name === 'query Nope')?.attributes, { 'graphql.error.codes': ['NOT_FOUND'] });
  t.notOk(receiver.spans.some((s) => s.attributes['http.route'] === '/livez'), 'health checks are not traced');
  t.same(receiver.refused, []);
});
