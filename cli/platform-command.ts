// `l3 up`: the platform on the embedded stack, in the foreground (Ctrl-C stops the processors;
// `l3 down` also stops the stack). Steps: services up; the platform database (roles, migrations);
// every topic and schema; the materializer (with its outbox relay); the demo tenant's ontology and
// sample data; then a live trickle of sensor readings so changes keep flowing.
import { join } from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import { LinkChangeSchema } from '../contracts/generated/link-change.ts';
import { ObjectChangeSchema } from '../contracts/generated/object-change.ts';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { defaultTopicNames, subjectOf } from '../contracts/topics.ts';
import { DEMO_TENANT_ID, demoEvents, sensorReading, type DemoEvent } from '../examples/demo/demo-data.ts';
import { kafkaKey, linkEntityId, objectEntityId } from '../processors/materializer/entity-keys.ts';
import { waitUntil } from '../stack/process-control.ts';
import { isPortFree } from '../stack/ports.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';
import { createTopics } from './create-topics.ts';
import { PLATFORM_DATABASE } from './db-command.ts';
import { ontologyCommand } from './ontology-command.ts';
import { startProcessor, type RunningProcessor } from './processor-process.ts';
import { provisionDatabase } from './provision-database.ts';
import { openStack } from './stack-command.ts';

const MATERIALIZER_HEALTH_PORT = 59464;
const say = (line: string) => console.error(`[up] ${line}`);

export async function platformUp(_args: string[]): Promise<number> {
  const started = Date.now();
  const stack = openStack();
  const endpoints = await stack.up();
  const config = loadCliConfig();
  const urls = await provisionDatabase(endpoints.postgresAdminUrl, PLATFORM_DATABASE);
  await createTopics(endpoints.kafkaBrokers.split(','), { replicationFactor: config.topicReplicationFactor });
  await registerContracts(endpoints.schemaRegistryUrl);
  say('database, topics and schemas ready');

  if (!(await isPortFree('127.0.0.1', MATERIALIZER_HEALTH_PORT))) {
    throw new CliError('PROCESSOR', `port ${MATERIALIZER_HEALTH_PORT} (materializer health) is taken: is another \`l3 up\` running?`);
  }
  const processorEnv = { DATABASE_URL: urls.processor, KAFKA_BROKERS: endpoints.kafkaBrokers, SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl, LOG_LEVEL: 'info' };
  const processors: RunningProcessor[] = [];
  const stopAll = async () => {
    for (const processor of processors.reverse()) await processor.stop();
  };
  try {
    processors.push(
      await startProcessor({
        name: 'materializer',
        projectRoot: stack.config.projectRoot,
        logsDir: stack.config.logsDir,
        healthPort: MATERIALIZER_HEALTH_PORT,
        env: { ...processorEnv, MATERIALIZER_HEALTH_PORT: String(MATERIALIZER_HEALTH_PORT) },
      }),
    );
    say(`materializer ready (log ${processors[0]!.logFile})`);

    await ontologyCommand(['publish', join(stack.config.projectRoot, 'examples/ontology/demo.yaml'), '--actor', 'l3-up-demo']);
    const admin = new pg.Client({ connectionString: urls.admin });
    await admin.connect();
    try {
      const count = async (table: string) =>
        Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1 AND deleted_at IS NULL`, [DEMO_TENANT_ID])).rows[0]!.n);
      await waitUntil('the demo ontology to be materialized', async () => Number((await admin.query('SELECT 1 FROM object_types WHERE tenant_id = $1', [DEMO_TENANT_ID])).rowCount) >= 6, { timeoutMs: 120_000 });
      const events = demoEvents();
      const serde = AvroSerde.connect(endpoints.schemaRegistryUrl);
      const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: endpoints.kafkaBrokers.split(','), clientId: 'l3-up-demo', logLevel: KafkaJS.logLevel.ERROR } });
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
      await producer.connect();
      await sendDemoEvents(producer, serde, events);
      const objects = events.filter((e) => e.topic === 'objects').length;
      await waitUntil('the demo data to be materialized', async () => (await count('objects')) >= objects, { timeoutMs: 180_000 });
      say(`demo tenant ${DEMO_TENANT_ID}: ${await count('objects')} objects, ${await count('links')} links`);

      console.log(
        [
          '',
          `AIX L3 is up (${((Date.now() - started) / 1000).toFixed(1)} s).`,
          '',
          `  materializer     ${processors[0]!.healthUrl}/readyz  /metrics   log: ${processors[0]!.logFile}`,
          `  DATABASE_URL     ${urls.processor}`,
          `  read as gateway  psql "${urls.gateway}" -c "SET app.tenant_id = '${DEMO_TENANT_ID}'" -c "SELECT external_id, properties FROM objects LIMIT 5"`,
          `  KAFKA_BROKERS    ${endpoints.kafkaBrokers}`,
          `  REGISTRY         ${endpoints.schemaRegistryUrl}`,
          '',
          'Streaming a sensor reading every 2 s into the demo tenant. Ctrl-C stops the processors; bin/l3 down stops everything.',
        ].join('\n'),
      );

      // Live readings: versions from the clock, so they are newer than any earlier run's.
      let index = 0;
      const trickle = setInterval(() => {
        const reading = sensorReading(index++ * 7, Date.now());
        void serde
          .encode(subjectOf(defaultTopicNames.objects), ObjectChangeSchema, reading)
          .then((value) => producer.send({ topic: defaultTopicNames.objects, messages: [{ key: kafkaKey(DEMO_TENANT_ID, objectEntityId('Sensor', reading.objectId)), value }] }))
          .catch((error: unknown) => say(`sending a reading failed: ${(error as Error).message}`));
      }, 2_000);
      let stopping = false;
      await new Promise<void>((resolve) => {
        const stop = () => {
          stopping = true;
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        processors[0]!.child.once('exit', (code) => {
          if (!stopping) say(`the materializer exited (${code}); see ${processors[0]!.logFile}`);
          resolve();
        });
      });
      clearInterval(trickle);
      say('stopping the processors (the stack keeps running: bin/l3 down stops it)');
      await producer.disconnect();
    } finally {
      await admin.end();
    }
  } finally {
    await stopAll();
  }
  return 0;
}

async function sendDemoEvents(producer: KafkaJS.Producer, serde: AvroSerde, events: readonly DemoEvent[]): Promise<void> {
  const objects: KafkaJS.Message[] = [];
  const links: KafkaJS.Message[] = [];
  for (const event of events) {
    if (event.topic === 'objects') {
      const v = event.value;
      objects.push({ key: kafkaKey(v.tenantId, objectEntityId(v.objectType, v.objectId)), value: await serde.encode(subjectOf(defaultTopicNames.objects), ObjectChangeSchema, v) });
    } else {
      const v = event.value;
      const key = kafkaKey(v.tenantId, linkEntityId(v.linkType, v.from.objectType, v.from.objectId, v.to.objectType, v.to.objectId));
      links.push({ key, value: await serde.encode(subjectOf(defaultTopicNames.links), LinkChangeSchema, v) });
    }
  }
  await producer.sendBatch({
    topicMessages: [
      { topic: defaultTopicNames.objects, messages: objects },
      { topic: defaultTopicNames.links, messages: links },
    ],
  });
}
