// Governance throughput (STYLE point 10: a benchmark prints its figures next to a baseline
// measured in the same run; it is not a test and has no time limit). It prints proposals/s
// through the whole lifecycle of ARCHITECTURE §6, Kafka in to EXECUTED in Postgres, for
//   LOW:  set_pump_status, approved by policy and executed in the proposal's own step, and
//   HIGH: decommission_pump, executed after two approvals sent by an approver loop,
// next to the baseline: the materializer's raw event rate on object upserts, measured in the same
// run, on the same stack, with the same ontology (examples/ontology/demo.yaml).
//   node loadtest/governance-benchmark.ts [--proposals N] [--events E] [--rounds R]   (or bin/l3 bench governance)
// What the figures mean: loadtest/README.md, "Governance throughput".
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import { encodeDecision, encodeProposal, newDecision, newProposal, type EncodedCommand } from '../cli/actions-command.ts';
import { loadCliConfig } from '../cli/config.ts';
import { provisionDatabase, type DatabaseUrls } from '../cli/provision-database.ts';
import { ObjectChangeSchema, type ObjectChange } from '../contracts/generated/object-change.ts';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { resolveTopicNames, subjectOf, topicCatalog, type TopicNames } from '../contracts/topics.ts';
import type { OntologyFile } from '../ontology/index.ts';
import { kafkaKey, objectEntityId } from '../processors/materializer/entity-keys.ts';
import { checkpoint, dropDatabase, withClient } from './support/bench-database.ts';
import { describeEnvironment } from './support/bench-environment.ts';
import { applyOntology, demoOntology } from './support/demo-ontology.ts';
import { deleteKafkaLeftovers, ensureTopics, highWatermarks, newRunId, produce } from './support/bench-kafka.ts';
import { BenchmarkArgsError, integerOption, parseBenchmarkOptions } from './support/benchmark-args.ts';
import type { BenchmarkEndpoints } from './support/benchmark-endpoints.ts';
import { POLL_MS, pollUntil } from './support/poll-until.ts';
import { scrapeMetrics, startProcessorChild, type ProcessorChild, type ScrapedMetrics } from './support/processor-child.ts';
import { mulberry32, uuidFrom } from '../runtime/seeded-random.ts';
import { fmt, median } from './support/stats.ts';

export { BenchmarkArgsError };

const TENANT_ID = '00000000-0000-4000-8000-0000000b0b0b';
const PROPOSER = 'agent:bench';
const APPROVERS = ['approver:alice', 'approver:bob'] as const;
// Share of the baseline's events that create an object; the rest update one created before.
const NEW_OBJECT_SHARE = 0.5;
const SEED = 20_260_101;
// Connections of the benchmark itself (the approver loop's are 'l3-bench-approver').
const APPLICATION_NAME = 'l3-bench-governance';

// Fixed names for what nobody reads back (outbox output, the empty results topic) and for the
// value subjects the commands are encoded under; each measurement consumes fresh topics of its
// own (bench.governance.<run>.*). Encoded values carry the schema id, so bytes encoded under a
// fixed subject can be produced to any topic.
const BENCH_TOPICS: TopicNames = resolveTopicNames({
  typedefs: 'bench.governance.typedefs',
  objects: 'bench.governance.objects',
  links: 'bench.governance.links',
  proposals: 'bench.governance.proposals',
  decisions: 'bench.governance.decisions',
  actionResults: 'bench.governance.action-results',
  ontologyChanges: 'bench.governance.changes',
  actionLifecycle: 'bench.governance.lifecycle',
  executionRequests: 'bench.governance.execution-requests',
  auditEvents: 'bench.governance.audit',
});

export interface GovernanceBenchmarkArgs {
  /** Proposals per lifecycle measurement (LOW and HIGH each). */
  readonly proposals: number;
  /** Object upserts of the baseline measurement. */
  readonly events: number;
  readonly rounds: number;
}

export interface GovernanceBenchmarkOptions {
  readonly proposals: number;
  readonly events?: number;
  readonly rounds?: number;
  readonly endpoints: BenchmarkEndpoints;
  /** Progress lines (stderr by default); the results table goes to stdout. */
  readonly progress?: (line: string) => void;
}

export type GovernanceMeasurementKind = 'baseline' | 'low' | 'high';

export interface GovernanceMeasurement {
  readonly kind: GovernanceMeasurementKind;
  readonly round: number;
  /** Events (baseline) or proposals (low, high) completed. */
  readonly items: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly detail: string;
  readonly loadAverage: number;
}

export interface GovernanceBenchmarkReport {
  readonly measurements: readonly GovernanceMeasurement[];
  readonly medians: Readonly<Record<GovernanceMeasurementKind, number>>;
  /** Proposals/s over the baseline's events/s. */
  readonly lowVsBaseline: number;
  readonly highVsBaseline: number;
}

export const GOVERNANCE_BENCHMARK_USAGE = 'governance [--proposals N] [--events E] [--rounds R]';

export function parseGovernanceBenchmarkArgs(args: readonly string[]): GovernanceBenchmarkArgs {
  const values = parseBenchmarkOptions(
    args,
    { proposals: { type: 'string', default: '1000' }, events: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '1' } },
    GOVERNANCE_BENCHMARK_USAGE,
  );
  return {
    proposals: integerOption('proposals', values.proposals, 10, 1_000_000),
    events: integerOption('events', values.events, 100, 5_000_000),
    rounds: integerOption('rounds', values.rounds, 1, 50),
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Context {
  readonly endpoints: BenchmarkEndpoints;
  readonly proposals: number;
  readonly kafka: KafkaJS.Kafka;
  readonly serde: AvroSerde;
  readonly ontology: OntologyFile;
  /** The baseline's events, encoded once. */
  readonly baseline: { readonly messages: readonly KafkaJS.Message[]; readonly objects: number };
  readonly progress: (line: string) => void;
  readonly logDir: string;
}

export async function runGovernanceBenchmark(options: GovernanceBenchmarkOptions): Promise<GovernanceBenchmarkReport> {
  const progress = options.progress ?? ((line: string) => console.error(`[bench] ${line}`));
  const events = options.events ?? 20_000;
  const rounds = options.rounds ?? 1;
  const { endpoints } = options;
  const prepared = Date.now();
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...endpoints.kafkaBrokers], clientId: 'l3-bench-governance', logLevel: KafkaJS.logLevel.ERROR } });
  await registerContracts(endpoints.schemaRegistryUrl, BENCH_TOPICS);
  // The processors' fixed topics (outbox output; the results topic the governance processor also consumes).
  await ensureTopics(kafka, [
    { topic: BENCH_TOPICS.typedefs, numPartitions: 1 },
    { topic: BENCH_TOPICS.links, numPartitions: topicCatalog.links.partitions },
    { topic: BENCH_TOPICS.actionResults, numPartitions: topicCatalog.actionResults.partitions },
    { topic: BENCH_TOPICS.ontologyChanges, numPartitions: topicCatalog.ontologyChanges.partitions },
    { topic: BENCH_TOPICS.actionLifecycle, numPartitions: topicCatalog.actionLifecycle.partitions },
    { topic: BENCH_TOPICS.executionRequests, numPartitions: topicCatalog.executionRequests.partitions },
    { topic: BENCH_TOPICS.auditEvents, numPartitions: topicCatalog.auditEvents.partitions },
  ]);
  const serde = AvroSerde.connect(endpoints.schemaRegistryUrl);
  const baselineEvents = generateBaselineEvents(events);
  const messages: KafkaJS.Message[] = [];
  for (const event of baselineEvents.events) {
    messages.push({ key: kafkaKey(event.tenantId, objectEntityId(event.objectType, event.objectId)), value: await serde.encode(subjectOf(BENCH_TOPICS.objects), ObjectChangeSchema, event) });
  }
  const logDir = mkdtempSync(join(tmpdir(), 'l3-bench-governance-'));
  const context: Context = { endpoints, proposals: options.proposals, kafka, serde, ontology: demoOntology(TENANT_ID), baseline: { messages, objects: baselineEvents.objects }, progress, logDir };
  progress(`${events} baseline events (${baselineEvents.objects} objects) generated and encoded in ${((Date.now() - prepared) / 1000).toFixed(1)} s`);

  const environment = await describeEnvironment(endpoints, APPLICATION_NAME, 'the processor');
  const measurements: GovernanceMeasurement[] = [];
  const kinds: readonly GovernanceMeasurementKind[] = ['baseline', 'low', 'high'];
  let failed = false;
  try {
    for (let round = 1; round <= rounds; round++) {
      // Rotated each round, so no measurement always runs first (cold caches) or last.
      const order = kinds.map((_, i) => kinds[(i + round - 1) % kinds.length]!);
      for (const kind of order) {
        const measurement = kind === 'baseline' ? await measureBaseline(context, round) : await measureLifecycle(context, kind, round);
        measurements.push(measurement);
        progress(`round ${round}/${rounds} ${LABELS[kind].short}: ${fmt(measurement.perSecond)} ${LABELS[kind].unit}/s (${measurement.items} in ${measurement.seconds.toFixed(2)} s; ${measurement.detail})`);
      }
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Logs are kept when a run failed, for the post-mortem.
    if (!failed) rmSync(logDir, { recursive: true, force: true });
    else progress(`processor logs kept in ${logDir}`);
  }
  const report = summarize(measurements);
  console.log(renderReport({ proposals: options.proposals, events, rounds, objects: baselineEvents.objects }, environment, report));
  return report;
}

/** Baseline input: Pump UPSERTs of the demo ontology, half new objects, half updates (higher sourceVersion each time). */
function generateBaselineEvents(count: number): { events: ObjectChange[]; objects: number } {
  const random = mulberry32(SEED);
  const sourceVersions: number[] = [];
  const events: ObjectChange[] = [];
  for (let i = 0; i < count; i++) {
    let index: number;
    if (sourceVersions.length === 0 || random() < NEW_OBJECT_SHARE) {
      index = sourceVersions.length;
      sourceVersions.push(0);
    } else {
      index = Math.floor(random() * sourceVersions.length);
    }
    sourceVersions[index]! += 10;
    events.push({
      tenantId: TENANT_ID,
      eventId: uuidFrom(random),
      op: 'UPSERT',
      objectType: 'Pump',
      objectId: pumpId(index),
      properties: JSON.stringify({
        serialNumber: `SN-${Math.floor(random() * 1e6)}`,
        model: ['Grundfos CR 45', 'KSB Etanorm 80', 'Xylem e-SV 33'][Math.floor(random() * 3)],
        status: random() < 0.85 ? 'running' : 'stopped',
        ratedFlowLps: Math.round(20 + random() * 80),
        ratedPressureBar: Math.round((4 + random() * 12) * 10) / 10,
        installedOn: '2021-03-10',
        lastServicedAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 200) * 86_400_000).toISOString(),
        tags: ['duty', random() < 0.5 ? 'potable' : 'waste'],
      }),
      embedding: null,
      sourceVersion: sourceVersions[index]!,
      occurredAt: Date.UTC(2026, 0, 1) + i,
    });
  }
  return { events, objects: sourceVersions.length };
}

const pumpId = (i: number) => `pump-${String(i).padStart(7, '0')}`;
const siteId = (i: number) => `site-${String(i).padStart(7, '0')}`;

/** The baseline: the materializer (exactly-once, relay on) applying the upserts from a fresh topic. */
async function measureBaseline(context: Context, round: number): Promise<GovernanceMeasurement> {
  const run = newRunId();
  const topic = `bench.governance.${run}.objects`;
  const groupId = `bench-governance-${run}-materializer`;
  const db = await createBenchDatabase(context, { pumps: 0 });
  let child: ProcessorChild | undefined;
  try {
    await ensureTopics(context.kafka, [{ topic, numPartitions: topicCatalog.objects.partitions }]);
    await produce(context.kafka, topic, context.baseline.messages);
    const highs = await highWatermarks(context.kafka, topic);
    await checkpoint(context.endpoints.postgresAdminUrl, APPLICATION_NAME);
    child = startChild(context, 'materializer', `baseline-round${round}`, {
      DATABASE_URL: db.urls.processor,
      MATERIALIZER_GROUP_ID: groupId,
      MATERIALIZER_INSTANCE_ID: `bench-${run}`,
      MATERIALIZER_HEALTH_PORT: '0',
      MATERIALIZER_COMMIT_MODE: 'exactly-once',
      MATERIALIZER_RELAY: 'on',
      ...topicEnv({ ...BENCH_TOPICS, objects: topic }),
    });
    const finishedAt = await withClient(db.urls.admin, APPLICATION_NAME, (admin) =>
      pollUntil([child!], async () => {
        const { rows } = await admin.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2', [groupId, topic]);
        const stored = new Map(rows.map((row) => [row.partition, Number(row.next_offset)]));
        return [...highs].every(([partition, high]) => (stored.get(partition) ?? 0) >= high);
      }, UNFINISHED),
    );
    const metrics = await scrapeMetrics(child);
    const { rows } = await withClient(db.urls.admin, APPLICATION_NAME, (admin) =>
      admin.query<{ started: string; objects: string; versions: string | null; dead: string; backlog: string }>(
        `SELECT extract(epoch FROM min(created_at)) * 1000 AS started, count(*) AS objects, sum(version) AS versions,
           (SELECT count(*) FROM dead_letters) AS dead, (SELECT coalesce(sum(message_count), 0) FROM outbox WHERE published_at IS NULL) AS backlog FROM objects`,
      ),
    );
    const result = rows[0]!;
    const events = context.baseline.messages.length;
    if (Number(result.objects) !== context.baseline.objects || Number(result.versions) !== events || Number(result.dead) !== 0) {
      throw new Error(`incomplete baseline: ${result.objects} objects (expected ${context.baseline.objects}), ${result.versions} changes applied (expected ${events}), ${result.dead} dead letters`);
    }
    const seconds = (finishedAt - Number(result.started)) / 1000;
    return { kind: 'baseline', round, items: events, seconds, perSecond: events / seconds, detail: describeRun(metrics, seconds, Number(result.backlog)), loadAverage: loadavg()[0]! };
  } finally {
    if (child) await child.stop();
    await dropDatabase(context.endpoints.postgresAdminUrl, APPLICATION_NAME, db.name);
    await deleteRunLeftovers(context, [topic], [groupId]);
  }
}

/**
 * LOW or HIGH: N proposals produced to a fresh topic before the governance processor starts;
 * for HIGH an approver loop sends two approvals for each proposal that reaches PENDING_APPROVAL.
 * Timed from the first proposal's transaction to the poll that sees all N EXECUTED.
 */
async function measureLifecycle(context: Context, kind: 'low' | 'high', round: number): Promise<GovernanceMeasurement> {
  const n = context.proposals;
  const run = newRunId();
  const topics = { ...BENCH_TOPICS, proposals: `bench.governance.${run}.proposals`, decisions: `bench.governance.${run}.decisions` };
  const groupId = `bench-governance-${run}-governance`;
  const db = await createBenchDatabase(context, { pumps: n, sites: kind === 'high' });
  let child: ProcessorChild | undefined;
  let approver: Approver | undefined;
  try {
    await ensureTopics(context.kafka, [
      { topic: topics.proposals, numPartitions: topicCatalog.proposals.partitions },
      { topic: topics.decisions, numPartitions: topicCatalog.decisions.partitions },
    ]);
    const proposals: EncodedCommand[] = [];
    for (let i = 0; i < n; i++) {
      const event =
        kind === 'low'
          ? newProposal({ tenantId: TENANT_ID, actionType: 'set_pump_status', actionTypeVersion: null, targets: [{ objectType: 'Pump', objectId: pumpId(i) }], parameters: { status: 'maintenance' }, proposedBy: PROPOSER, rationale: 'bench' })
          : newProposal({
              tenantId: TENANT_ID,
              actionType: 'decommission_pump',
              actionTypeVersion: null,
              targets: [
                { objectType: 'Pump', objectId: pumpId(i) },
                { objectType: 'Site', objectId: siteId(i) },
              ],
              parameters: { reason: `bench: ${pumpId(i)} is beyond repair` },
              proposedBy: PROPOSER,
              rationale: 'bench',
            });
      proposals.push(await encodeProposal(context.serde, event, BENCH_TOPICS.proposals));
    }
    await produce(context.kafka, topics.proposals, proposals);
    await checkpoint(context.endpoints.postgresAdminUrl, APPLICATION_NAME);
    child = startChild(context, 'governance', `${kind}-round${round}`, {
      DATABASE_URL: db.urls.processor,
      GOVERNANCE_GROUP_ID: groupId,
      GOVERNANCE_INSTANCE_ID: `bench-${run}`,
      GOVERNANCE_HEALTH_PORT: '0',
      GOVERNANCE_RELAY: 'on',
      ...topicEnv(topics),
    });
    if (kind === 'high') approver = startApprover(context, db.urls.gateway, topics.decisions);
    const finishedAt = await withClient(db.urls.admin, APPLICATION_NAME, (admin) =>
      pollUntil([child!], async () => {
        approver?.check();
        const { rows } = await admin.query<{ state: string; n: string; reason: string | null }>('SELECT state, count(*) AS n, min(state_reason) AS reason FROM action_proposals GROUP BY state');
        const bad = rows.find((row) => !['PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED'].includes(row.state));
        if (bad) throw new Error(`${bad.n} proposal(s) ended ${bad.state} (e.g. "${bad.reason}"); log: ${child!.logFile}`);
        return Number(rows.find((row) => row.state === 'EXECUTED')?.n ?? 0) === n;
      }, UNFINISHED),
    );
    const sent = approver ? await approver.stop() : 0;
    approver = undefined;
    const metrics = await scrapeMetrics(child);
    const { rows } = await withClient(db.urls.admin, APPLICATION_NAME, (admin) =>
      admin.query<{ started: string; approvals: string; done: string; audit: string; dead: string; backlog: string }>(
        `SELECT extract(epoch FROM min(created_at)) * 1000 AS started,
           (SELECT count(*) FROM action_approvals) AS approvals,
           (SELECT count(*) FROM audit_events) AS audit,
           (SELECT count(*) FROM objects WHERE properties->>'status' = $1) AS done,
           (SELECT count(*) FROM dead_letters) AS dead,
           (SELECT coalesce(sum(message_count), 0) FROM outbox WHERE published_at IS NULL) AS backlog
         FROM action_proposals`,
        [kind === 'low' ? 'maintenance' : 'decommissioned'],
      ),
    );
    const result = rows[0]!;
    const approvals = kind === 'high' ? 2 * n : 0;
    if (Number(result.done) !== n || Number(result.approvals) !== approvals || Number(result.dead) !== 0) {
      throw new Error(`incomplete run: ${result.done} pumps edited (expected ${n}), ${result.approvals} approvals (expected ${approvals}), ${result.dead} dead letters`);
    }
    const seconds = (finishedAt - Number(result.started)) / 1000;
    const records = `${kind === 'high' ? `${n + sent} records in (proposals + ${sent} approvals)` : `${n} records in`}, ${(Number(result.audit) / n).toFixed(1)} audit events per proposal; `;
    return { kind, round, items: n, seconds, perSecond: n / seconds, detail: `${records}${describeRun(metrics, seconds, Number(result.backlog))}`, loadAverage: loadavg()[0]! };
  } finally {
    if (approver) await approver.stop().catch(() => 0);
    if (child) await child.stop();
    await dropDatabase(context.endpoints.postgresAdminUrl, APPLICATION_NAME, db.name);
    await deleteRunLeftovers(context, [topics.proposals, topics.decisions], [groupId]);
  }
}

// ---------------------------------------------------------------------------------------------
// The approver loop (HIGH): L5 as a script. It reads the tenant's audit chain as the gateway role
// from the last seq it saw (seq is gapless and committed in order: appends of a tenant are
// serialized), so each poll reads only what is new, and sends two approvals, bound to the
// binding hash of the PENDING_APPROVAL transition, for every proposal that reached it.

interface Approver {
  /** Throws the loop's error, if it failed. */
  check(): void;
  /** Stops the loop; resolves to the approvals it sent. */
  stop(): Promise<number>;
}

function startApprover(context: Context, gatewayUrl: string, decisionsTopic: string): Approver {
  let stopping = false;
  let failure: Error | undefined;
  let sent = 0;
  const loop = (async () => {
    const client = new pg.Client({ connectionString: gatewayUrl, application_name: 'l3-bench-approver' });
    await client.connect();
    const producer = context.kafka.producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': 2 });
    await producer.connect();
    try {
      let cursor = 0;
      while (!stopping) {
        await client.query('BEGIN READ ONLY');
        await client.query("SELECT set_config('app.tenant_id', $1, true)", [TENANT_ID]);
        const { rows } = await client.query<{ seq: string; proposal_id: string | null; binding_hash: string | null }>(
          `SELECT seq,
             CASE WHEN event_type = 'ACTION_TRANSITION' AND event->>'to' = 'PENDING_APPROVAL' THEN event->>'proposalId' END AS proposal_id,
             CASE WHEN event_type = 'ACTION_TRANSITION' AND event->>'to' = 'PENDING_APPROVAL' THEN event->>'bindingHash' END AS binding_hash
           FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT 10000`,
          [TENANT_ID, cursor],
        );
        await client.query('COMMIT');
        if (rows.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          continue;
        }
        cursor = Number(rows.at(-1)!.seq);
        const messages: EncodedCommand[] = [];
        for (const row of rows) {
          if (row.proposal_id === null || row.binding_hash === null) continue;
          for (const actor of APPROVERS) {
            const decision = newDecision({ tenantId: TENANT_ID, proposalId: row.proposal_id, decision: 'APPROVE', actor, roles: ['approver'], bindingHash: row.binding_hash });
            messages.push(await encodeDecision(context.serde, decision, BENCH_TOPICS.decisions));
          }
        }
        if (messages.length > 0) {
          await producer.send({ topic: decisionsTopic, messages });
          sent += messages.length;
        }
      }
    } finally {
      await producer.disconnect().catch(() => {});
      await client.end().catch(() => {});
    }
  })().catch((error: unknown) => {
    failure = error as Error;
  });
  return {
    check() {
      if (failure) throw new Error(`the approver loop failed: ${failure.message}`, { cause: failure });
    },
    async stop() {
      stopping = true;
      await loop;
      return sent;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Postgres.

interface BenchDatabase {
  readonly name: string;
  readonly urls: DatabaseUrls;
}

/**
 * A fresh database with the demo ontology for the bench tenant (applied by the materializer's own
 * applyTypeDef) and, for the lifecycle measurements, `pumps` running pumps (plus, with `sites`,
 * one site per pump and the installedAt link between them), inserted directly: seeding is not measured.
 */
async function createBenchDatabase(context: Context, seed: { pumps: number; sites?: boolean }): Promise<BenchDatabase> {
  const name = `l3_bench_gov_${process.pid}_${randomBytes(4).toString('hex')}`;
  let urls: DatabaseUrls;
  try {
    urls = await provisionDatabase(context.endpoints.postgresAdminUrl, name);
    await withClient(urls.processor, APPLICATION_NAME, async (client) => {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [TENANT_ID]);
      await applyOntology(client, context.ontology);
      const insertObjects = (type: string, prefix: string, properties: string) =>
        client.query(
          `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, source_version)
           SELECT $1, t.id, $3::text || lpad(g::text, 7, '0'), ${properties}, 1
           FROM object_types t, generate_series(0, $4::int - 1) AS g WHERE t.tenant_id = $1 AND t.name = $2`,
          [TENANT_ID, type, prefix, seed.pumps],
        );
      await insertObjects('Pump', 'pump-', `jsonb_build_object('serialNumber', 'SN-' || g, 'status', 'running')`);
      if (seed.sites) {
        await insertObjects('Site', 'site-', `jsonb_build_object('name', 'Station ' || g, 'status', 'operational')`);
        await client.query(
          `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, source_version)
           SELECT $1, lt.id, p.object_type_id, p.id, s.object_type_id, s.id, 1
           FROM link_types lt
           JOIN objects p ON p.tenant_id = $1 AND p.object_type_id = lt.from_object_type_id
           JOIN objects s ON s.tenant_id = $1 AND s.object_type_id = lt.to_object_type_id AND s.external_id = 'site-' || substr(p.external_id, 6)
           WHERE lt.tenant_id = $1 AND lt.name = 'installedAt'`,
          [TENANT_ID],
        );
      }
      await client.query('COMMIT');
    });
  } catch (error) {
    await dropDatabase(context.endpoints.postgresAdminUrl, APPLICATION_NAME, name);
    throw error;
  }
  return { name, urls };
}

// ---------------------------------------------------------------------------------------------
// Kafka.

/** L3_TOPIC_<KEY> for every topic (runtime/config-values.ts's topicNamesValue). */
function topicEnv(names: TopicNames): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([key, name]) => [`L3_TOPIC_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, name]));
}

/** A run's topics and consumer groups; a failure to delete them is reported, not thrown. */
async function deleteRunLeftovers(context: Context, topics: readonly string[], groups: readonly string[]): Promise<void> {
  await deleteKafkaLeftovers(context.kafka, topics, groups).catch((error: unknown) => context.progress(`could not delete ${topics.join(', ')}: ${(error as Error).message}`));
}

// ---------------------------------------------------------------------------------------------
// The processor child processes.

function startChild(context: Context, processor: 'materializer' | 'governance', label: string, env: Record<string, string>): ProcessorChild {
  return startProcessorChild({ processor, endpoints: context.endpoints, logFile: join(context.logDir, `${processor}-${label}.log`), env });
}

const UNFINISHED = { exitedMessage: 'the processor exited before the run was complete', timeoutMessage: 'not complete' };

function describeRun(metrics: ScrapedMetrics, seconds: number, backlog: number): string {
  return (
    `${metrics.batches} batches of ${(metrics.records / Math.max(1, metrics.batches)).toFixed(0)} records, ` +
    `${((metrics.batchSeconds / Math.max(1, metrics.batches)) * 1000).toFixed(1)} ms each (${((metrics.batchSeconds / seconds) * 100).toFixed(0)}% of the time in batches); ` +
    `process CPU ${metrics.cpuSeconds.toFixed(1)} s in all; relay backlog at the end ${backlog}`
  );
}

// ---------------------------------------------------------------------------------------------
// The report.

const LABELS: Record<GovernanceMeasurementKind, { short: string; long: string; unit: string }> = {
  baseline: { short: 'baseline', long: '(a) baseline: materializer, object upserts', unit: 'events' },
  low: { short: 'LOW', long: 'LOW set_pump_status, approved by policy', unit: 'proposals' },
  high: { short: 'HIGH', long: 'HIGH decommission_pump, two approvals', unit: 'proposals' },
};

function summarize(measurements: readonly GovernanceMeasurement[]): GovernanceBenchmarkReport {
  const of = (kind: GovernanceMeasurementKind) => median(measurements.filter((m) => m.kind === kind).map((m) => m.perSecond));
  const medians = { baseline: of('baseline'), low: of('low'), high: of('high') };
  return { measurements, medians, lowVsBaseline: medians.low / medians.baseline, highVsBaseline: medians.high / medians.baseline };
}

function renderReport(size: { proposals: number; events: number; rounds: number; objects: number }, environment: string, report: GovernanceBenchmarkReport): string {
  const loads = report.measurements.map((m) => m.loadAverage);
  const lines = [
    '',
    `governance benchmark: ${size.proposals} proposals per lifecycle measurement; baseline ${size.events} Pump upserts (${size.objects} new objects, ${size.events - size.objects} updates);`,
    `  1 tenant, the demo ontology (examples/ontology/demo.yaml), the default policy (LOW: 0 approvals, HIGH: 2); processors' default batch sizes; relay on; ${size.rounds} round(s)`,
    environment,
    `load average (1 min) at the end of the runs: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}`,
    '',
    `${'measurement'.padEnd(44)}${'median /s'.padStart(11)}${'min'.padStart(9)}${'max'.padStart(9)}   unit        per round`,
  ];
  for (const kind of ['baseline', 'low', 'high'] as const) {
    const values = report.measurements.filter((m) => m.kind === kind).map((m) => m.perSecond);
    lines.push(
      `${LABELS[kind].long.padEnd(44)}${fmt(report.medians[kind]).padStart(11)}${fmt(Math.min(...values)).padStart(9)}${fmt(Math.max(...values)).padStart(9)}   ${LABELS[kind].unit.padEnd(12)}${values.map(fmt).join(', ')}`,
    );
  }
  lines.push(
    '',
    `LOW  proposals/s / (a) events/s    ${report.lowVsBaseline.toFixed(3)}x   (each: 1 record in; simulate, hash, execute 1 object edit)`,
    `HIGH proposals/s / (a) events/s    ${report.highVsBaseline.toFixed(3)}x   (each: 3 records in, the proposal and 2 approvals; 1 object edit + 1 link delete)`,
    '',
  );
  return lines.join('\n');
}

if (import.meta.main) {
  try {
    const args = parseGovernanceBenchmarkArgs(process.argv.slice(2));
    // KAFKA_BROKERS, SCHEMA_REGISTRY_URL, L3_PG_ADMIN_URL (`bin/l3 stack env`), else the embedded stack's.
    const config = loadCliConfig();
    await runGovernanceBenchmark({ ...args, endpoints: { postgresAdminUrl: config.postgresAdminUrl, kafkaBrokers: config.kafkaBrokers, schemaRegistryUrl: config.schemaRegistryUrl } });
  } catch (error) {
    console.error(`governance-benchmark: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof BenchmarkArgsError ? 2 : 1;
  }
}
