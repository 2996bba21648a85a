// Materializer throughput (STYLE point 10: a benchmark prints its figures next to baselines
// measured in the same run; it is not a test and has no time limit). It prints the events/s the
// materializer applies with exactly-once commits (the product), next to
//   (a) a raw batched unnest upsert of the same rows straight into Postgres,
//   (b) the same materializer with at-least-once commits (offsets committed to Kafka),
// and two floors, measurements that are not valid products (loadtest/README.md, "The publication
// floor" and "The bare floor"): (c) the same handler publishing its changes straight from the
// batch, with no outbox and no relay, and (d) the bare floor: decode, the upsert of (a) and one
// published change per event, nothing else (no validation, no stored versions, no outbox). A
// floor's clock stops when every change is applied and acknowledged by the broker. All five run
// on the same pre-generated events, alternated over rounds.
//   node loadtest/materializer-benchmark.ts [--events N] [--rounds R]     (or bin/l3 bench materializer)
// What the figures mean and why the baselines are fair: loadtest/README.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { loadCliConfig } from '../cli/config.ts';
import { provisionDatabase, type DatabaseUrls } from '../cli/provision-database.ts';
import { ObjectChangeSchema, type ObjectChange } from '../contracts/generated/object-change.ts';
import type { TypeDefChange } from '../contracts/generated/type-def-change.ts';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { resolveTopicNames, subjectOf, topicCatalog } from '../contracts/topics.ts';
import type { ObjectWrite } from '../processors/materializer/decide-objects.ts';
import { kafkaKey, objectEntityId } from '../processors/materializer/entity-keys.ts';
import { EMBEDDING_DIMENSION } from '../processors/materializer/property-validation.ts';
import { writeObjects } from '../processors/materializer/sql/objects.ts';
import { applyTypeDef } from '../processors/materializer/sql/type-definitions.ts';
import { generateWorkload } from '../test/support/materializer/workload.ts';
import { checkpoint, dropDatabase, newClient, withClient } from './support/bench-database.ts';
import { describeHostCpu, perEvent, sampleHostCpu, type HostCpuSample } from './support/host-cpu.ts';
import { describeEnvironment } from './support/bench-environment.ts';
import { deleteKafkaLeftovers, ensureTopics, highWatermarks, newRunId, produce } from './support/bench-kafka.ts';
import { BenchmarkArgsError, integerOption, parseBenchmarkOptions } from './support/benchmark-args.ts';
import type { BenchmarkEndpoints } from './support/benchmark-endpoints.ts';
import { pollUntil } from './support/poll-until.ts';
import { scrapeMetrics, startProcessorChild, type ProcessorChild, type ScrapedMetrics } from './support/processor-child.ts';
import { mulberry32, uuidFrom } from '../runtime/seeded-random.ts';
import { fmt, median } from './support/stats.ts';

export { BenchmarkArgsError };
export type { BenchmarkEndpoints };

const TARGET_VS_RAW = 0.7;
const TARGET_VS_AT_LEAST_ONCE = 0.9;
// Share of events that create an object; the rest update an object created before.
const NEW_OBJECT_SHARE = 0.5;
const TENANTS = 3;
const SEED = 20_250_101;
// Connections of the benchmark itself (the materializer's are 'l3-materializer').
const APPLICATION_NAME = 'l3-bench';

// Fixed names: the typedefs and links topics stay empty (the ontology is seeded in Postgres, and
// the benchmark has no links); the relay publishes to the changes topic. The objects topic is
// fresh for every measured run. Encoded values carry the schema id, so the events are encoded
// once under the objects subject and produced unchanged to each run's topic.
const BENCH_TOPICS = resolveTopicNames({
  typedefs: 'bench.materializer.typedefs',
  objects: 'bench.materializer.objects',
  links: 'bench.materializer.links',
  ontologyChanges: 'bench.materializer.changes',
});
const OBJECT_PARTITIONS = topicCatalog.objects.partitions;

export interface BenchmarkArgs {
  /** Object events generated (and applied by each measurement). */
  readonly events: number;
  readonly rounds: number;
  /** MATERIALIZER_BATCH_SIZE of the children, and the raw baseline's batch. */
  readonly batchSize: number;
  /** Share of the upserts that carry a 384-dimension embedding (0 by default). */
  readonly embeddingShare: number;
  /** When set, the materializer children run with --cpu-prof and write their profiles here. */
  readonly cpuProfileDir: string | undefined;
  /** Materializer processes in the group for (b) and the product (ADR 0009: they share tenants). */
  readonly instances: number;
  /** MATERIALIZER_MAX_IN_FLIGHT of each instance (batch transactions at once, ADR 0010). */
  readonly inFlight: number;
}

export interface MaterializerBenchmarkOptions extends BenchmarkArgs {
  readonly endpoints: BenchmarkEndpoints;
  /** Progress lines (stderr by default). */
  readonly progress?: (line: string) => void;
  /** The results table (stdout by default). */
  readonly print?: (text: string) => void;
}

export type MeasurementKind = 'raw' | PipelineKind;
/** The measurements that run the materializer as a child process. */
type PipelineKind = 'at-least-once' | 'exactly-once' | 'floor' | 'bare';

export interface Measurement {
  readonly kind: MeasurementKind;
  readonly round: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly detail: string;
  /** The machine's 1-minute load average when the measurement ended: other work skews figures. */
  readonly loadAverage: number;
}

export interface BenchmarkReport {
  readonly measurements: readonly Measurement[];
  readonly medians: Readonly<Record<MeasurementKind, number>>;
  readonly ratioVsRaw: number;
  readonly ratioVsAtLeastOnce: number;
  /** (c) / (a): what this machine leaves of (a) once every change is also published. */
  readonly floorVsRaw: number;
  /** The product / (c): how much of that the outbox and relay keep. */
  readonly ratioVsFloor: number;
  /** (d) / (a): what this machine and these clients leave of (a) before any of the required work. */
  readonly bareVsRaw: number;
  /** The product / (d). */
  readonly ratioVsBare: number;
}

export const BENCHMARK_USAGE = 'materializer [--events N] [--rounds R] [--batch-size B] [--embeddings SHARE] [--instances N] [--in-flight K] [--cpu-prof DIR]';

export function parseBenchmarkArgs(args: readonly string[]): BenchmarkArgs {
  const values = parseBenchmarkOptions(
    args,
    {
      events: { type: 'string', default: '50000' },
      rounds: { type: 'string', default: '3' },
      'batch-size': { type: 'string', default: '1000' },
      embeddings: { type: 'string', default: '0' },
      instances: { type: 'string', default: '1' },
      'in-flight': { type: 'string', default: '2' },
      'cpu-prof': { type: 'string' },
    },
    BENCHMARK_USAGE,
  );
  const embeddingShare = Number(values.embeddings);
  if (!(embeddingShare >= 0 && embeddingShare <= 1)) throw new BenchmarkArgsError(`--embeddings must be a share from 0 to 1, got "${values.embeddings}"`);
  return {
    events: integerOption('events', values.events, 100, 5_000_000),
    rounds: integerOption('rounds', values.rounds, 1, 50),
    batchSize: integerOption('batch-size', values['batch-size'], 1, 100_000),
    embeddingShare,
    cpuProfileDir: values['cpu-prof'],
    instances: integerOption('instances', values.instances, 1, 8),
    inFlight: integerOption('in-flight', values['in-flight'], 1, 16),
  };
}

// ---------------------------------------------------------------------------------------------
// The workload: generated, encoded and folded once, before anything is measured.

interface BenchWorkload {
  readonly tenants: readonly string[];
  /** The workload ontology (Site, Pump, Sensor, two link types) of test/support/materializer. */
  readonly typedefs: readonly TypeDefChange[];
  readonly events: readonly ObjectChange[];
  readonly objectCount: number;
  readonly embeddings: number;
}

/** One tenant's rows of one raw batch; objectTypeId is filled in per database (it is a uuid). */
interface RawTenantWrites {
  readonly tenantId: string;
  readonly writes: readonly Omit<ObjectWrite, 'objectTypeId'>[];
}

type ObjectTypeName = 'Site' | 'Pump' | 'Sensor';
const TYPE_SHARE: readonly [ObjectTypeName, number][] = [
  ['Site', 0.2],
  ['Pump', 0.5],
  ['Sensor', 0.3],
];

function generateBenchWorkload(events: number, embeddingShare: number): BenchWorkload {
  const random = mulberry32(SEED);
  const int = (bound: number) => Math.floor(random() * bound);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const tenants = Array.from({ length: TENANTS }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
  // The test workload's ontology, including Pump version 2 (with `vendor`): its definitions only.
  const typedefs = generateWorkload({ seed: SEED, tenants, events: 0 }).flatMap((event) => (event.topic === 'typedefs' ? [event.value] : []));

  const created = tenants.map(() => [] as { type: ObjectTypeName; id: string; sourceVersion: number }[]);
  const counters = tenants.map(() => ({ Site: 0, Pump: 0, Sensor: 0 }) as Record<ObjectTypeName, number>);
  const out: ObjectChange[] = [];
  let embeddings = 0;
  const date = () => `${2000 + int(26)}-${pad(1 + int(12))}-${pad(1 + int(28))}`;
  for (let i = 0; i < events; i++) {
    const t = int(tenants.length);
    const objects = created[t]!;
    let object;
    if (objects.length === 0 || random() < NEW_OBJECT_SHARE) {
      let roll = random();
      const type = TYPE_SHARE.find(([, share]) => (roll -= share) < 0)?.[0] ?? 'Pump';
      object = { type, id: `${type.toLowerCase()}-${String(counters[t]![type]++).padStart(7, '0')}`, sourceVersion: 0 };
      objects.push(object);
    } else {
      object = pick(objects);
    }
    object.sourceVersion += 10;
    const properties: Record<string, unknown> =
      object.type === 'Site'
        ? { name: `${pick(['Plant', 'Depot', 'Station'])} ${object.id}`, region: pick(['eu-west', 'us-east', 'ap-south']), openedOn: date(), tags: [pick(['critical', 'remote', 'new', 'audited'])] }
        : object.type === 'Pump'
          ? {
              serial: `SN-${int(1_000_000)}`,
              ratedFlow: int(1_000_000) / 100,
              stages: 1 + int(12),
              active: random() < 0.5,
              installedOn: new Date(Date.UTC(2015, 0, 1) + int(3650) * 86_400_000).toISOString(),
              spec: { model: `M${int(100)}`, limits: [int(10), int(100) / 4] },
              readings: [int(1000) / 10, int(1000) / 10, int(1000) / 10],
              counters: [int(1000), int(1000)],
              assetId: uuidFrom(random),
              vendor: pick(['Grundfos', 'KSB', 'Xylem']),
            }
          : { kind: pick(['pressure', 'flow', 'vibration', 'temperature']), threshold: int(100_000) / 100, calibratedOn: date() };
    const embedding = embeddingShare > 0 && random() < embeddingShare ? Array.from({ length: EMBEDDING_DIMENSION }, () => Math.fround(random() * 2 - 1)) : null;
    if (embedding) embeddings++;
    out.push({
      tenantId: tenants[t]!,
      eventId: uuidFrom(random),
      op: 'UPSERT',
      objectType: object.type,
      objectId: object.id,
      properties: JSON.stringify(properties),
      embedding,
      sourceVersion: object.sourceVersion,
      occurredAt: Date.UTC(2025, 0, 1) + i,
    });
  }
  return { tenants, typedefs, events: out, objectCount: created.reduce((sum, list) => sum + list.length, 0), embeddings };
}

/**
 * The raw baseline's input: the events cut into batches of `batchSize` in production order, each
 * folded per object (last event wins, as the materializer folds a batch: one upsert cannot touch
 * a row twice) and split by tenant, with `version` = the object's events so far, as the
 * materializer counts it.
 */
function rawBatches(events: readonly ObjectChange[], batchSize: number): RawTenantWrites[][] {
  const eventsSoFar = new Map<string, number>();
  const batches: RawTenantWrites[][] = [];
  for (let start = 0; start < events.length; start += batchSize) {
    const byTenant = new Map<string, Map<string, Omit<ObjectWrite, 'objectTypeId'>>>();
    for (const event of events.slice(start, start + batchSize)) {
      const key = `${event.tenantId}/${event.objectType}/${event.objectId}`;
      const version = (eventsSoFar.get(key) ?? 0) + 1;
      eventsSoFar.set(key, version);
      const rows = byTenant.get(event.tenantId) ?? new Map();
      rows.set(key, {
        objectType: event.objectType,
        objectId: event.objectId,
        properties: JSON.parse(event.properties ?? '{}') as Record<string, unknown>,
        embedding: event.embedding,
        version,
        sourceVersion: event.sourceVersion,
        deleted: false,
      });
      byTenant.set(event.tenantId, rows);
    }
    batches.push([...byTenant].map(([tenantId, rows]) => ({ tenantId, writes: [...rows.values()] })));
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Context {
  readonly options: MaterializerBenchmarkOptions;
  readonly workload: BenchWorkload;
  readonly messages: readonly { key: string; value: Buffer }[];
  readonly rawBatches: readonly RawTenantWrites[][];
  readonly kafka: KafkaJS.Kafka;
  readonly progress: (line: string) => void;
  readonly logDir: string;
  /** Aborted by SIGINT/SIGTERM: the run in progress stops and cleans up. */
  readonly interrupted: AbortSignal;
}

export async function runMaterializerBenchmark(options: MaterializerBenchmarkOptions): Promise<BenchmarkReport> {
  const progress = options.progress ?? ((line: string) => console.error(`[bench] ${line}`));
  const { endpoints } = options;
  const prepared = Date.now();
  const workload = generateBenchWorkload(options.events, options.embeddingShare);
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...endpoints.kafkaBrokers], clientId: 'l3-bench', logLevel: KafkaJS.logLevel.ERROR } });
  await registerContracts(endpoints.schemaRegistryUrl, BENCH_TOPICS);
  await ensureTopics(kafka, [
    { topic: BENCH_TOPICS.typedefs, numPartitions: 1 },
    { topic: BENCH_TOPICS.links, numPartitions: OBJECT_PARTITIONS },
    { topic: BENCH_TOPICS.ontologyChanges, numPartitions: topicCatalog.ontologyChanges.partitions },
  ]);
  const serde = AvroSerde.connect(endpoints.schemaRegistryUrl);
  const messages: { key: string; value: Buffer }[] = [];
  for (const event of workload.events) {
    messages.push({
      key: kafkaKey(event.tenantId, objectEntityId(event.objectType, event.objectId)),
      value: await serde.encode(subjectOf(BENCH_TOPICS.objects), ObjectChangeSchema, event),
    });
  }
  const logDir = mkdtempSync(join(tmpdir(), 'l3-bench-'));
  const interruption = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => interruption.abort(new Error(`interrupted by ${signal}`));
  const context: Context = { options, workload, messages, rawBatches: rawBatches(workload.events, options.batchSize), kafka, progress, logDir, interrupted: interruption.signal };
  const bytes = messages.reduce((sum, m) => sum + m.value.length, 0);
  progress(`${workload.events.length} events (${workload.objectCount} objects, ${(bytes / workload.events.length).toFixed(0)} B/event) generated and encoded in ${((Date.now() - prepared) / 1000).toFixed(1)} s`);

  const environment = await describeEnvironment(endpoints, APPLICATION_NAME, 'the materializer');
  const measurements: Measurement[] = [];
  const kinds: readonly MeasurementKind[] = ['raw', 'at-least-once', 'exactly-once', 'floor', 'bare'];
  let failed = false;
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      // Rotated each round, so no measurement always runs first (cold caches) or last.
      const order = kinds.map((_, i) => kinds[(i + round - 1) % kinds.length]!);
      for (const kind of order) {
        interruption.signal.throwIfAborted();
        const measurement = kind === 'raw' ? await measureRaw(context, round) : await measurePipeline(context, kind, round);
        measurements.push(measurement);
        progress(`round ${round}/${options.rounds} ${LABELS[kind].short}: ${fmt(measurement.eventsPerSecond)} events/s (${measurement.seconds.toFixed(2)} s; ${measurement.detail}; load ${measurement.loadAverage.toFixed(1)})`);
      }
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    // Logs are kept when a run failed, for the post-mortem.
    if (!failed) rmSync(logDir, { recursive: true, force: true });
    else progress(`materializer logs kept in ${logDir}`);
  }
  const report = summarize(measurements);
  (options.print ?? console.log)(renderReport(context, environment, report));
  return report;
}

/** (a): the same rows, same statement (writeObjects), same batches, one connection, as l3_processor. */
async function measureRaw(context: Context, round: number): Promise<Measurement> {
  const db = await createBenchDatabase(context);
  try {
    const typeIds = await objectTypeIds(db.urls.admin);
    const batches = context.rawBatches.map((batch) =>
      batch.map(({ tenantId, writes }) => ({ tenantId, writes: writes.map((w) => ({ ...w, objectTypeId: typeIds.get(`${tenantId}/${w.objectType}`)! })) })),
    );
    await checkpoint(context.options.endpoints.postgresAdminUrl, APPLICATION_NAME);
    const client = newClient(db.urls.processor, 'l3-bench-raw');
    await client.connect();
    let seconds: number;
    let rows = 0;
    let cpuStart: HostCpuSample | undefined;
    let cpuEnd: HostCpuSample | undefined;
    try {
      cpuStart = sampleHostCpu();
      const started = performance.now();
      for (const batch of batches) {
        await client.query('BEGIN');
        for (const { tenantId, writes } of batch) {
          await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
          await writeObjects(client, tenantId, writes);
          rows += writes.length;
        }
        await client.query('COMMIT');
      }
      seconds = (performance.now() - started) / 1000;
      cpuEnd = sampleHostCpu();
    } finally {
      await client.end();
    }
    await verifyApplied(context, db.urls.admin);
    const eventsPerSecond = context.workload.events.length / seconds;
    const detail = `${rows} rows in ${batches.length} transactions; ${describeHostCpu(cpuStart, cpuEnd, eventsPerSecond)}`;
    return { kind: 'raw', round, seconds, eventsPerSecond, detail, loadAverage: loadavg()[0]! };
  } finally {
    await dropDatabase(context.options.endpoints.postgresAdminUrl, APPLICATION_NAME, db.name);
  }
}

/**
 * (b), the product and (c): the real materializer as child processes. One instance starts on a topic
 * produced before it starts; several are first all assigned their share of the partitions (the
 * first to join would otherwise take the whole topic before the others arrive), then the topic
 * is produced.
 */
async function measurePipeline(context: Context, kind: PipelineKind, round: number): Promise<Measurement> {
  const { kafka, workload, options } = context;
  const runId = newRunId();
  const topic = `bench.materializer.${runId}.objects`;
  const groupId = `bench-materializer-${runId}`;
  const db = await createBenchDatabase(context);
  const children: ProcessorChild[] = [];
  try {
    await ensureTopics(kafka, [{ topic, numPartitions: OBJECT_PARTITIONS }]);
    const start = () => {
      for (let instance = 1; instance <= options.instances; instance++) {
        children.push(startMaterializer(context, { kind, round, instance, runId, topic, groupId, databaseUrl: db.urls.processor }));
      }
    };
    if (options.instances > 1) {
      await checkpoint(options.endpoints.postgresAdminUrl, APPLICATION_NAME);
      start();
      await pollUntil(children, async () => everyInstanceAssigned(children), {
        exitedMessage: 'a materializer exited before the group assigned every instance',
        timeoutMessage: 'the group never assigned every instance',
        signal: context.interrupted,
      });
    }
    await produce(kafka, topic, context.messages);
    const highs = await highWatermarks(kafka, topic);
    const total = [...highs.values()].reduce((sum, high) => sum + high, 0);
    if (total !== workload.events.length) throw new Error(`${topic} holds ${total} records, expected ${workload.events.length}`);
    if (options.instances === 1) {
      await checkpoint(options.endpoints.postgresAdminUrl, APPLICATION_NAME);
      start();
    }
    const isApplied = kind !== 'at-least-once' ? postgresOffsetsReached(db.urls.admin, groupId, topic, highs) : kafkaOffsetsReached(kafka, groupId, topic, highs);
    let finishedAt: number;
    let cpuAtStart: number | undefined;
    let hostAtStart: HostCpuSample | undefined;
    try {
      finishedAt = await pollUntil(
        children,
        async () => {
          const { done, progressed } = await isApplied.check();
          // A floor is only done once the broker has acknowledged every change: its publisher
          // runs behind the batches, and stopping the clock before it catches up would flatter it.
          if (done) return !isFloor(kind) || (await scrapeAll(children, topic)).published >= workload.events.length;
          // The children's CPU time from (about) the first batch, to tell busy processes from waiting ones.
          if (progressed && cpuAtStart === undefined) {
            hostAtStart = sampleHostCpu();
            cpuAtStart = (await scrapeAll(children, topic)).cpuSeconds;
          }
          return false;
        },
        { exitedMessage: 'the materializer exited before applying every event', timeoutMessage: 'not every event applied', signal: context.interrupted },
      );
    } finally {
      await isApplied.close();
    }
    const hostAtEnd = sampleHostCpu();
    const metrics = await scrapeAll(children, topic);
    // What was still to publish when the clock stopped: the relay's backlog when the last event
    // was applied; for the floors, what their publisher had not had acknowledged (0: their clock
    // waits for it, so this line shows that it did).
    const unpublished = isFloor(kind) ? workload.events.length - metrics.published : await relayBacklog(db.urls.admin);
    const startedAt = await firstAppliedAt(db.urls.admin);
    await verifyApplied(context, db.urls.admin);
    const seconds = (finishedAt - startedAt) / 1000;
    const eventsPerSecond = workload.events.length / seconds;
    const cpuPerSecond = cpuAtStart === undefined ? undefined : (metrics.cpuSeconds - cpuAtStart) / seconds;
    const cpu = cpuPerSecond === undefined ? 'n/a' : `${cpuPerSecond.toFixed(2)} s/s (${perEvent(cpuPerSecond, eventsPerSecond)})`;
    const detail =
      `${metrics.batches} batches of ${(metrics.records / Math.max(1, metrics.batches)).toFixed(0)} records, ` +
      `${((metrics.batchSeconds / Math.max(1, metrics.batches)) * 1000).toFixed(1)} ms each (${((metrics.batchSeconds / seconds) * 100).toFixed(0)}% of the time in batches); ` +
      `materializer CPU ${cpu}${children.length > 1 ? ` (${children.length} instances)` : ''}; ${describeHostCpu(hostAtStart, hostAtEnd, eventsPerSecond)}; ${isFloor(kind) ? 'unpublished' : 'relay backlog'} at the end ${unpublished}`;
    return { kind, round, seconds, eventsPerSecond, detail, loadAverage: loadavg()[0]! };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await dropDatabase(context.options.endpoints.postgresAdminUrl, APPLICATION_NAME, db.name);
    await deleteKafkaLeftovers(kafka, [topic], [groupId]).catch((error: unknown) => context.progress(`could not delete ${topic} / ${groupId}: ${(error as Error).message}`));
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres.

interface BenchDatabase {
  readonly name: string;
  readonly urls: DatabaseUrls;
}

/** A fresh database with the workload's ontology, written the way the materializer writes it. */
async function createBenchDatabase(context: Context): Promise<BenchDatabase> {
  const name = `l3_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  let urls: DatabaseUrls;
  try {
    urls = await provisionDatabase(context.options.endpoints.postgresAdminUrl, name);
  } catch (error) {
    await dropDatabase(context.options.endpoints.postgresAdminUrl, APPLICATION_NAME, name);
    throw error;
  }
  const client = newClient(urls.processor, APPLICATION_NAME);
  try {
    await client.connect();
    for (const tenantId of context.workload.tenants) {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      for (const change of context.workload.typedefs.filter((c) => c.tenantId === tenantId)) {
        const outcome = await applyTypeDef(client, change);
        if (outcome.kind === 'rejected') throw new Error(`seeding the ontology: ${change.kind} ${change.name} rejected: ${outcome.message}`);
      }
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.end().catch(() => {});
    await dropDatabase(context.options.endpoints.postgresAdminUrl, APPLICATION_NAME, name);
    throw error;
  }
  await client.end();
  return { name, urls };
}

async function objectTypeIds(adminUrl: string): Promise<Map<string, string>> {
  const { rows } = await withClient(adminUrl, APPLICATION_NAME, (client) => client.query<{ tenant_id: string; name: string; id: string }>('SELECT tenant_id, name, id FROM object_types'));
  return new Map(rows.map((row) => [`${row.tenant_id}/${row.name}`, row.id]));
}

/** When the first batch's transaction began (objects.created_at is its now()), epoch ms. */
async function firstAppliedAt(adminUrl: string): Promise<number> {
  const { rows } = await withClient(adminUrl, APPLICATION_NAME, (client) => client.query<{ ms: string }>('SELECT extract(epoch FROM min(created_at)) * 1000 AS ms FROM objects'));
  return Number(rows[0]!.ms);
}

async function relayBacklog(adminUrl: string): Promise<number> {
  const { rows } = await withClient(adminUrl, APPLICATION_NAME, (client) => client.query<{ n: string }>('SELECT coalesce(sum(message_count), 0) AS n FROM outbox WHERE published_at IS NULL'));
  return Number(rows[0]!.n);
}

/** Every event applied once: each object's version counts its applied changes; nothing dead-lettered. */
async function verifyApplied(context: Context, adminUrl: string): Promise<void> {
  const { rows } = await withClient(adminUrl, APPLICATION_NAME, (client) =>
    client.query<{ objects: string; versions: string | null; dead: string }>(
      'SELECT (SELECT count(*) FROM objects) AS objects, (SELECT sum(version) FROM objects) AS versions, (SELECT count(*) FROM dead_letters) AS dead',
    ),
  );
  const { objects, versions, dead } = rows[0]!;
  const { objectCount, events } = context.workload;
  if (Number(objects) !== objectCount || Number(versions) !== events.length || Number(dead) !== 0) {
    throw new Error(`incomplete run: ${objects} objects (expected ${objectCount}), ${versions} changes applied (expected ${events.length}), ${dead} dead letters`);
  }
}

// ---------------------------------------------------------------------------------------------
// Completion: the stored offsets (exactly-once: Postgres; at-least-once: Kafka) reach the end.

interface CompletionCheck {
  /** Resolves whether every record is applied, and whether any is. */
  readonly check: () => Promise<{ done: boolean; progressed: boolean }>;
  readonly close: () => Promise<void>;
}

function reached(stored: ReadonlyMap<number, number>, highs: ReadonlyMap<number, number>): { done: boolean; progressed: boolean } {
  let done = true;
  let progressed = false;
  for (const [partition, high] of highs) {
    const next = stored.get(partition) ?? 0;
    if (next < high) done = false;
    if (next > 0) progressed = true;
  }
  return { done, progressed };
}

function postgresOffsetsReached(adminUrl: string, groupId: string, topic: string, highs: ReadonlyMap<number, number>): CompletionCheck {
  const client = newClient(adminUrl, 'l3-bench-poll');
  const connected = client.connect();
  return {
    check: async () => {
      await connected;
      const { rows } = await client.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2',
        [groupId, topic],
      );
      return reached(new Map(rows.map((row) => [row.partition, Number(row.next_offset)])), highs);
    },
    close: async () => {
      await connected.catch(() => {});
      await client.end();
    },
  };
}

function kafkaOffsetsReached(kafka: KafkaJS.Kafka, groupId: string, topic: string, highs: ReadonlyMap<number, number>): CompletionCheck {
  const admin = kafka.admin();
  const connected = admin.connect();
  return {
    check: async () => {
      await connected;
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      // An uncommitted partition reads as offset -1.
      return reached(new Map((offsets?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))])), highs);
    },
    close: async () => {
      await connected.catch(() => {});
      await admin.disconnect();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The materializer child processes.

/** Every instance's latest log line about its partitions is an assignment, and none is empty. */
function everyInstanceAssigned(children: readonly ProcessorChild[]): boolean {
  return children.every((child) => {
    let owned = 0;
    // The log file appears with the child's first line.
    const log = existsSync(child.logFile) ? readFileSync(child.logFile, 'utf8') : '';
    // Whole lines only: the last piece may be a line still being written.
    for (const line of log.split('\n').slice(0, -1)) {
      if (line.includes('"msg":"partitions revoked"')) owned = 0;
      else if (line.includes('"msg":"partitions assigned')) owned = (JSON.parse(line) as { partitions: unknown[] }).partitions.length;
    }
    return owned > 0;
  });
}

/** The instances' figures, summed. */
async function scrapeAll(children: readonly ProcessorChild[], topic: string): Promise<ScrapedMetrics> {
  const all = await Promise.all(children.map((child) => scrapeMetrics(child, topic)));
  return all.reduce((sum, m) => ({
    batches: sum.batches + m.batches,
    records: sum.records + m.records,
    batchSeconds: sum.batchSeconds + m.batchSeconds,
    cpuSeconds: sum.cpuSeconds + m.cpuSeconds,
    published: sum.published + m.published,
  }));
}

function startMaterializer(
  context: Context,
  run: { kind: PipelineKind; round: number; instance: number; runId: string; topic: string; groupId: string; databaseUrl: string },
): ProcessorChild {
  const { options } = context;
  const name = `${run.kind}-round${run.round}${options.instances > 1 ? `-instance${run.instance}` : ''}`;
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=materializer-${name}.cpuprofile`] : [];
  return startProcessorChild({
    processor: 'materializer',
    endpoints: options.endpoints,
    logFile: join(context.logDir, `${name}.log`),
    nodeOptions: profile,
    // (c) runs the same handler with a direct publisher in place of the outbox (its relay off);
    // (d) the bare handler with the same publisher.
    ...(isFloor(run.kind) ? { entry: join('loadtest', 'support', 'materializer-floor.ts') } : {}),
    env: {
      DATABASE_URL: run.databaseUrl,
      MATERIALIZER_GROUP_ID: run.groupId,
      MATERIALIZER_INSTANCE_ID: `bench-${run.runId}-${run.instance}`,
      MATERIALIZER_HEALTH_PORT: '0',
      MATERIALIZER_COMMIT_MODE: run.kind === 'at-least-once' ? 'at-least-once' : 'exactly-once',
      MATERIALIZER_RELAY: isFloor(run.kind) ? 'off' : 'on',
      ...(isFloor(run.kind) ? { FLOOR_HANDLER: run.kind === 'bare' ? 'bare' : 'product' } : {}),
      MATERIALIZER_BATCH_SIZE: String(options.batchSize),
      MATERIALIZER_MAX_IN_FLIGHT: String(options.inFlight),
      MATERIALIZER_DB_POOL_SIZE: String(Math.max(8, options.inFlight + 2)),
      L3_TOPIC_TYPEDEFS: BENCH_TOPICS.typedefs,
      L3_TOPIC_OBJECTS: run.topic,
      L3_TOPIC_LINKS: BENCH_TOPICS.links,
      L3_TOPIC_ONTOLOGY_CHANGES: BENCH_TOPICS.ontologyChanges,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The report.

const LABELS: Record<MeasurementKind, { short: string; long: string }> = {
  raw: { short: '(a) raw upsert', long: '(a) raw unnest upsert into Postgres' },
  'at-least-once': { short: '(b) at-least-once', long: '(b) materializer, at-least-once' },
  'exactly-once': { short: 'exactly-once', long: 'product: materializer, exactly-once' },
  floor: { short: '(c) floor', long: '(c) floor: no outbox, direct publish' },
  bare: { short: '(d) bare floor', long: '(d) bare: decode, upsert, publish' },
};

/** The floors publish from the batch; the clock waits for their broker's acknowledgements. */
function isFloor(kind: MeasurementKind): kind is 'floor' | 'bare' {
  return kind === 'floor' || kind === 'bare';
}

function summarize(measurements: readonly Measurement[]): BenchmarkReport {
  const of = (kind: MeasurementKind) => median(measurements.filter((m) => m.kind === kind).map((m) => m.eventsPerSecond));
  const medians = { raw: of('raw'), 'at-least-once': of('at-least-once'), 'exactly-once': of('exactly-once'), floor: of('floor'), bare: of('bare') };
  return {
    measurements,
    medians,
    ratioVsRaw: medians['exactly-once'] / medians.raw,
    ratioVsAtLeastOnce: medians['exactly-once'] / medians['at-least-once'],
    floorVsRaw: medians.floor / medians.raw,
    ratioVsFloor: medians['exactly-once'] / medians.floor,
    bareVsRaw: medians.bare / medians.raw,
    ratioVsBare: medians['exactly-once'] / medians.bare,
  };
}

function renderReport(context: Context, environment: string, report: BenchmarkReport): string {
  const { options, workload } = context;
  const lines = [
    '',
    `materializer benchmark: ${workload.events.length} object events (UPSERTs: ${workload.objectCount} new objects, ${workload.events.length - workload.objectCount} updates), ${workload.tenants.length} tenants,`,
    `  ${workload.embeddings} with a ${EMBEDDING_DIMENSION}-d embedding, no links; batch size ${options.batchSize}; objects topic ${OBJECT_PARTITIONS} partitions; relay on (off for (c) and (d)); ${options.rounds} round(s)`,
    `  up to ${options.inFlight} batch transaction(s) in flight per instance (MATERIALIZER_MAX_IN_FLIGHT), for (b) and the product alike`,
    options.instances > 1 ? `  (b) and the product ran as ${options.instances} materializer instances in one group; (a) is one connection, as always` : '',
    environment,
    options.cpuProfileDir ? `NOTE: the materializer ran with --cpu-prof (profiles in ${options.cpuProfileDir}); its figures include the profiler's overhead` : '',
    '',
    `${'measurement'.padEnd(38)}${'median ev/s'.padStart(12)}${'min'.padStart(10)}${'max'.padStart(10)}   per round`,
  ];
  for (const kind of ['raw', 'at-least-once', 'exactly-once', 'floor', 'bare'] as const) {
    const runs = report.measurements.filter((m) => m.kind === kind);
    const values = runs.map((m) => m.eventsPerSecond);
    lines.push(
      `${LABELS[kind].long.padEnd(38)}${fmt(report.medians[kind]).padStart(12)}${fmt(Math.min(...values)).padStart(10)}${fmt(Math.max(...values)).padStart(10)}   ${runs.map((m) => fmt(m.eventsPerSecond)).join(', ')}`,
    );
  }
  const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)}x   target >= ${target.toFixed(2)}x   ${ratio >= target ? 'PASS' : 'BELOW'}`;
  const loads = report.measurements.map((m) => m.loadAverage);
  lines.push(
    `load average (1 min) at the end of the runs: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores ` +
      '(the pipeline alone keeps about 2 busy; more means other work shared the machine and the figures are noisier)',
    '',
    `product / (a) raw upsert        ${verdict(report.ratioVsRaw, TARGET_VS_RAW)}`,
    `product / (b) at-least-once     ${verdict(report.ratioVsAtLeastOnce, TARGET_VS_AT_LEAST_ONCE)}`,
    // Not targets: (c) and (d) are not products. (c) shows how much of (a) is left once every
    // change is encoded and published through this Kafka client, however it gets there; (d),
    // how much is left before any of the work the issue requires beyond that (validation,
    // stored versions, the outbox).
    `(c) floor / (a) raw upsert      ${report.floorVsRaw.toFixed(2)}x   the product's handler publishing every change without an outbox (from this process, on this machine)`,
    `product / (c) floor             ${report.ratioVsFloor.toFixed(2)}x   what the outbox and the relay keep of that`,
    `(d) bare floor / (a) raw upsert ${report.bareVsRaw.toFixed(2)}x   decode, upsert, publish: the ceiling of any exactly-once materializer that publishes every change here`,
    `product / (d) bare floor        ${report.ratioVsBare.toFixed(2)}x   what validation, stored versions, the outbox and the relay keep of that`,
    '',
  );
  return lines.filter((line, i) => line !== '' || i === 0 || lines[i - 1] !== '').join('\n');
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

if (import.meta.main) {
  try {
    const args = parseBenchmarkArgs(process.argv.slice(2));
    // KAFKA_BROKERS, SCHEMA_REGISTRY_URL, L3_PG_ADMIN_URL (`bin/l3 stack env`), else the embedded stack's.
    const config = loadCliConfig();
    await runMaterializerBenchmark({
      ...args,
      endpoints: { postgresAdminUrl: config.postgresAdminUrl, kafkaBrokers: config.kafkaBrokers, schemaRegistryUrl: config.schemaRegistryUrl },
    });
  } catch (error) {
    console.error(`materializer-benchmark: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof BenchmarkArgsError ? 2 : 1;
  }
}
