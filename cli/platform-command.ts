// `l3 up`: the platform on the embedded stack, in the foreground (Ctrl-C stops the processors;
// `l3 down` also stops the stack). Steps: services up; the platform database (roles, migrations);
// every topic and schema; the materializer and the governance processor (each with its outbox
// relay); the demo tenant's ontology and sample data; two governed actions proposed as an agent
// (a LOW one that executes on its own, a HIGH one left for two approvers); then a live trickle of
// sensor readings so changes keep flowing.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import { LinkChangeSchema } from '../contracts/generated/link-change.ts';
import { ObjectChangeSchema } from '../contracts/generated/object-change.ts';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { defaultTopicNames, subjectOf } from '../contracts/topics.ts';
import { DEMO_TENANT_ID, demoEvents, sensorReading, type DemoEvent } from '../examples/demo/demo-data.ts';
import { isTerminal } from '../processors/governance/action-states.ts';
import { kafkaKey, linkEntityId, objectEntityId } from '../processors/materializer/entity-keys.ts';
import { waitUntil } from '../stack/process-control.ts';
import { isPortFree } from '../stack/ports.ts';
import { encodeProposal, newProposal, readProposal, type ProposeInput, type ProposalView } from './actions-command.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';
import { createTopics } from './create-topics.ts';
import { PLATFORM_DATABASE } from './db-command.ts';
import { ontologyCommand } from './ontology-command.ts';
import { startProcessor, type RunningProcessor } from './processor-process.ts';
import { provisionDatabase } from './provision-database.ts';
import { openStack } from './stack-command.ts';

const MATERIALIZER_HEALTH_PORT = 59464;
const GOVERNANCE_HEALTH_PORT = 59465;
const GATEWAY_PORT = 58080;
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

  for (const [port, what] of [[MATERIALIZER_HEALTH_PORT, 'materializer health'], [GOVERNANCE_HEALTH_PORT, 'governance health'], [GATEWAY_PORT, 'gateway']] as const) {
    if (!(await isPortFree('127.0.0.1', port))) throw new CliError('PROCESSOR', `port ${port} (${what}) is taken: is another \`l3 up\` running?`);
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
    // The demo tenant's policy (examples/policies) when the folder is there; otherwise the default policy for all.
    const policyDir = join(stack.config.projectRoot, 'examples/policies');
    processors.push(
      await startProcessor({
        name: 'governance',
        projectRoot: stack.config.projectRoot,
        logsDir: stack.config.logsDir,
        healthPort: GOVERNANCE_HEALTH_PORT,
        env: { ...processorEnv, GOVERNANCE_HEALTH_PORT: String(GOVERNANCE_HEALTH_PORT), ...(existsSync(policyDir) ? { GOVERNANCE_POLICY_DIR: policyDir } : {}) },
      }),
    );
    say(`governance ready (log ${processors[1]!.logFile})`);
    // A fresh development secret per run: tokens printed below work until the next `l3 up`.
    const jwtSecret = randomBytes(32).toString('hex');
    processors.push(
      await startProcessor({
        name: 'gateway',
        entry: 'gateway/main.ts',
        projectRoot: stack.config.projectRoot,
        logsDir: stack.config.logsDir,
        healthPort: GATEWAY_PORT,
        env: {
          DATABASE_URL: urls.gateway,
          KAFKA_BROKERS: endpoints.kafkaBrokers,
          SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
          GATEWAY_PORT: String(GATEWAY_PORT),
          GATEWAY_MODE: 'development',
          JWT_SECRET: jwtSecret,
          LOG_LEVEL: 'info',
        },
      }),
    );
    say(`gateway ready (log ${processors[2]!.logFile})`);
    const devToken = await new SignJWT({ tenant_id: DEMO_TENANT_ID, roles: ['viewer', 'operator', 'approver'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('demo-user')
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(new TextEncoder().encode(jwtSecret));

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
      const links = events.length - objects;
      // Links too: decommission_pump's simulation deletes the pump's installedAt link. Counted with
      // tombstones, as an earlier run's governed actions may have deleted some.
      const linkRows = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM links WHERE tenant_id = $1', [DEMO_TENANT_ID])).rows[0]!.n);
      // Rows, not live objects: a governed action of an earlier run may have deleted one.
      const objectRows = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM objects WHERE tenant_id = $1', [DEMO_TENANT_ID])).rows[0]!.n);
      await waitUntil('the demo data to be materialized', async () => (await objectRows()) >= objects && (await linkRows()) >= links, { timeoutMs: 180_000 });
      say(`demo tenant ${DEMO_TENANT_ID}: ${await count('objects')} objects, ${await count('links')} links`);
      const demoActions = await proposeDemoActions(producer, serde, urls.gateway);

      console.log(
        [
          '',
          `AIX L3 is up (${((Date.now() - started) / 1000).toFixed(1)} s).`,
          '',
          `  materializer     ${processors[0]!.healthUrl}/readyz  /metrics   log: ${processors[0]!.logFile}`,
          `  governance       ${processors[1]!.healthUrl}/readyz  /metrics   log: ${processors[1]!.logFile}`,
          `  GraphQL          ${processors[2]!.healthUrl}/graphql   GraphiQL: ${processors[2]!.healthUrl}/graphiql   log: ${processors[2]!.logFile}`,
          `  MCP              ${processors[2]!.healthUrl}/mcp   (Streamable HTTP, stateless; the same bearer token)`,
          `  dev token        (demo tenant, roles viewer+operator+approver, 12 h) Authorization: Bearer ${devToken}`,
          `  try              curl -s ${processors[2]!.healthUrl}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"{ objectTypes { name } }"}'`,
          `  DATABASE_URL     ${urls.processor}`,
          `  read as gateway  psql "${urls.gateway}" -c "SET app.tenant_id = '${DEMO_TENANT_ID}'" -c "SELECT external_id, properties FROM objects LIMIT 5"`,
          `  KAFKA_BROKERS    ${endpoints.kafkaBrokers}`,
          `  REGISTRY         ${endpoints.schemaRegistryUrl}`,
          '',
          ...demoActions,
          '',
          'Streaming a sensor reading every 2 s into the demo tenant. Ctrl-C stops the processors and the gateway; bin/l3 down stops everything.',
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
        for (const processor of processors) {
          processor.child.once('exit', (code) => {
            if (!stopping) say(`the ${processor.name} exited (${code}); see ${processor.logFile}`);
            resolve();
          });
        }
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

// The demo's governed actions: fixed idempotency keys, so a second `l3 up` proposes nothing new
// and shows the proposals of the first (proposal ids derive from the keys).
const DEMO_AGENT = 'agent:maintenance-planner';
const DEMO_LOW: ProposeInput = {
  tenantId: DEMO_TENANT_ID,
  actionType: 'set_pump_status',
  actionTypeVersion: null,
  targets: [{ objectType: 'Pump', objectId: 'pump-1-1-2' }],
  parameters: { status: 'maintenance' },
  proposedBy: DEMO_AGENT,
  rationale: 'Vibration on the drive end above the alarm threshold for 30 minutes; take the pump out of duty for inspection.',
  idempotencyKey: 'l3-up-demo:set_pump_status:pump-1-1-2',
};
// A different pump from DEMO_LOW's: executing that one must not move a version this one's simulation saw.
const DEMO_HIGH: ProposeInput = {
  tenantId: DEMO_TENANT_ID,
  actionType: 'decommission_pump',
  actionTypeVersion: null,
  targets: [
    { objectType: 'Pump', objectId: 'pump-1-1-1' },
    { objectType: 'Site', objectId: 'site-1-1' },
  ],
  parameters: { reason: 'Impeller cracked and housing corroded; replacement costs more than a new pump.' },
  proposedBy: DEMO_AGENT,
  rationale: 'The inspection of work order wo-1 found the pump beyond economic repair; a new duty pump is on order.',
  idempotencyKey: 'l3-up-demo:decommission_pump:pump-1-1-1',
};

/** Proposes the demo's two actions, waits until the processor has settled each, and returns the lines to print. */
async function proposeDemoActions(producer: KafkaJS.Producer, serde: AvroSerde, gatewayUrl: string): Promise<string[]> {
  const low = newProposal(DEMO_LOW);
  const high = newProposal(DEMO_HIGH);
  await producer.send({ topic: defaultTopicNames.proposals, messages: [await encodeProposal(serde, low), await encodeProposal(serde, high)] });
  // Read as the gateway reads: its role, one tenant (row-level security).
  const gateway = new pg.Client({ connectionString: gatewayUrl, application_name: 'l3-up-demo' });
  await gateway.connect();
  const settled = new Map<string, ProposalView>();
  try {
    for (const proposal of [low, high]) {
      await waitUntil(`proposal ${proposal.proposalId} (${proposal.actionType}) to be decided by the governance processor`, async () => {
        const view = await readProposal(gateway, DEMO_TENANT_ID, proposal.proposalId);
        if (view && (view.state === 'PENDING_APPROVAL' || isTerminal(view.state))) settled.set(proposal.proposalId, view);
        return settled.has(proposal.proposalId);
      }, { timeoutMs: 60_000, intervalMs: 200 });
    }
  } finally {
    await gateway.end();
  }
  const lowView = settled.get(low.proposalId)!;
  const highView = settled.get(high.proposalId)!;
  say(`demo proposals: ${low.actionType} ${lowView.state}, ${high.actionType} ${highView.state}`);
  const tenant = `--tenant ${DEMO_TENANT_ID}`;
  const lines = [
    `Governed actions, proposed by ${DEMO_AGENT} in the demo tenant (bin/l3 actions --help):`,
    `  LOW   set_pump_status Pump/pump-1-1-2 -> maintenance: ${lowView.state}${lowView.stateReason ? ` (${lowView.stateReason})` : ''}`,
    `        bin/l3 actions show ${low.proposalId} ${tenant}`,
    `  ${(highView.blastRadius ?? '?').padEnd(5)} decommission_pump Pump/pump-1-1-1 at Site/site-1-1: ${highView.state}${highView.stateReason ? ` (${highView.stateReason})` : ''}`,
    `        proposal      ${high.proposalId}`,
    `        blast radius  ${highView.blastRadius ?? '(not simulated)'}`,
    `        binding hash  ${highView.bindingHash ?? '(not simulated)'}`,
  ];
  if (highView.state === 'PENDING_APPROVAL') {
    lines.push(
      '  Two different approvers execute it:',
      `    bin/l3 actions approve ${high.proposalId} ${tenant} --as alice@demo-utilities.example --roles approver --hash ${highView.bindingHash}`,
      `    bin/l3 actions approve ${high.proposalId} ${tenant} --as bob@demo-utilities.example --roles approver --hash ${highView.bindingHash}`,
    );
  } else {
    lines.push(`  (decided after an earlier \`l3 up\`: the demo proposes it once per platform database)`);
  }
  lines.push(`  ${highView.state === 'PENDING_APPROVAL' ? 'Then' : 'Its record'}: bin/l3 actions show ${high.proposalId} ${tenant}`);
  return lines;
}
