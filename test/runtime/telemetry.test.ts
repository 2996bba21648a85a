// OpenTelemetry (runtime/telemetry.ts): configuration from the standard variables, contexts and
// links from W3C traceparents, and spans exported over OTLP/HTTP to a real (test) receiver.
import t from 'tap';
import { trace } from '@opentelemetry/api';
import { contextFromTraceparent, linksTo, MAX_SPAN_LINKS, startTelemetry, telemetryEndpoint } from '../../runtime/telemetry.ts';
import { parseTraceparent } from '../../runtime/trace-context.ts';
import { startOtlpReceiver } from '../support/telemetry/otlp-receiver.ts';
import { waitFor } from '../support/materializer/harness.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

t.test('the endpoint comes from the standard variables; without one, telemetry is off', async (t) => {
  t.equal(telemetryEndpoint({}), undefined);
  t.equal(telemetryEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
  t.equal(telemetryEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/x' }), 'http://t:4318/x');
  t.equal(telemetryEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), undefined);
  const off = startTelemetry('x', {});
  t.equal(off.enabled, false);
  t.equal(off.tracer.startSpan('nothing').isRecording(), false, 'the no-op tracer records nothing');
});

t.test('contexts and links follow traceparents; invalid ones are ignored', async (t) => {
  const parent = trace.getSpanContext(contextFromTraceparent(TRACEPARENT));
  t.match(parent, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true, traceFlags: 1 });
  t.equal(trace.getSpanContext(contextFromTraceparent('not a traceparent')), undefined);
  const many = Array.from({ length: 300 }, (_, i) => parseTraceparent(`00-${String(i + 1).padStart(32, '0')}-00f067aa0ba902b7-01`));
  const links = linksTo([parseTraceparent(TRACEPARENT), parseTraceparent(TRACEPARENT), undefined, ...many]);
  t.equal(links.length, MAX_SPAN_LINKS, 'capped');
  t.equal(links[0]!.context.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.not(links[1]!.context.traceId, links[0]!.context.traceId, 'a repeated traceparent is linked once');
});

t.test('spans reach an OTLP/HTTP receiver with their parent, service and attributes', async (t) => {
  const receiver = await startOtlpReceiver(t);
  const telemetry = startTelemetry('l3-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  t.teardown(() => telemetry.shutdown());
  t.equal(telemetry.enabled, true);
  const span = telemetry.tracer.startSpan('work', { attributes: { 'l3.test': 'yes' } }, contextFromTraceparent(TRACEPARENT));
  span.end();
  await telemetry.flush();
  await waitFor('the span to arrive', () => receiver.spans.length > 0, 30_000);
  t.same(receiver.refused, []);
  t.match(receiver.spans[0], { service: 'l3-test', name: 'work', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', attributes: { 'l3.test': 'yes' } });
});
