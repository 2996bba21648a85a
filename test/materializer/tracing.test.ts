// A processor with OTEL_EXPORTER_OTLP_ENDPOINT set exports a CONSUMER span per batch transaction,
// linked to the traceparent of the records in it (runtime/kafka/transactional-consumer.ts).
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { TypeDefChangeSchema, type TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceRaw, waitFor } from '../support/materializer/harness.ts';
import { workloadKey, generateWorkload } from '../support/materializer/workload.ts';
import { schemaRegistryUrl } from '../support/services.ts';
import { startOtlpReceiver } from '../support/telemetry/otlp-receiver.ts';

const TRACE_ID = 'a3ce929d0e0e47364bf92f3577b34da6';
const PARENT_ID = '0123456789abcdef';

t.test('each batch is a span linked to its records’ traces', async (t) => {
  const env = await createMaterializerEnvironment(t, 1);
  const receiver = await startOtlpReceiver(t);
  const instance = MaterializerProcess.start(env, 'traced', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  t.teardown(() => instance.kill('SIGKILL'));

  const serde = AvroSerde.connect(schemaRegistryUrl());
  const typedefs = generateWorkload({ seed: 5, tenants: [randomUUID()], events: 0 }).filter((e) => e.topic === 'typedefs');
  const messages = [];
  for (const event of typedefs) {
    messages.push({
      key: workloadKey(event),
      value: await serde.encode(`${env.topics.typedefs}-value`, TypeDefChangeSchema, event.value as TypeDefChange),
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
  }
  await produceRaw(env.topics.typedefs, messages);

  // Spans are exported every second by the batch processor.
  await waitFor('a batch span linked to the produced trace', () => receiver.spans.some((s) => s.links.some((l) => l.traceId === TRACE_ID)), 120_000);
  const span = receiver.spans.find((s) => s.links.some((l) => l.traceId === TRACE_ID))!;
  t.match(span, {
    service: 'l3-materializer',
    name: 'materializer batch',
    kind: 5, // CONSUMER
    attributes: { 'messaging.system': 'kafka', 'messaging.consumer.group.name': env.groupId, 'l3.commit_mode': 'exactly-once', 'l3.dead_letters': 0 },
  });
  t.equal(span.links.filter((l) => l.traceId === TRACE_ID).length, 1, 'one link per distinct traceparent, however many records carry it');
  t.ok(Number(span.attributes['messaging.batch.message_count']) >= 1);
  t.same(receiver.refused, []);

  instance.kill('SIGTERM');
  t.equal(await instance.exited, 0, 'stops cleanly with telemetry on (spans flushed on the way out)');
});
