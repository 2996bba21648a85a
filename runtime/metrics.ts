// The metrics every L3 processor exposes on /metrics. One registry per process (not prom-client's
// global one), so tests can create as many as they like and nothing registers twice. The
// `processor` label on every series tells the materializer's figures from the governance
// processor's when both are scraped into one Prometheus.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ProcessorMetrics = {
  readonly registry: Registry;
  /** Records read from Kafka, before decoding. */
  readonly recordsConsumed: Counter<'topic'>;
  /** Records whose change was written to Postgres. */
  readonly recordsApplied: Counter<'topic'>;
  /** Records that changed nothing because the stored version is newer or equal (ADR 0004). */
  readonly recordsIgnoredOld: Counter<'topic'>;
  /** Records sent to `<topic>.dlq`; `reason` is the dead-letter error class. */
  readonly recordsDeadLettered: Counter<'topic' | 'reason'>;
  /** Batches committed (state, offsets and outbox in one transaction). */
  readonly batches: Counter<'topic'>;
  /** Attempts retried after a transient error; `reason` names what failed (postgres, kafka, ...). */
  readonly retries: Counter<'reason'>;
  /** Commits refused because another instance owns the partition now (stored offset moved). */
  readonly fencedCommits: Counter<'topic'>;
  /** Outbox rows the relay published; `topic` is the destination topic. */
  readonly outboxPublished: Counter<'topic'>;
  readonly batchSize: Histogram<'topic'>;
  readonly batchDuration: Histogram<'topic'>;
  /** Batch transactions open right now (at most the consumer's maxInFlight). */
  readonly batchesInFlight: Gauge;
  /** High watermark minus the next offset to read, per assigned partition. */
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  /** Outbox rows written but not yet published. */
  readonly outboxBacklog: Gauge;
};

// Batches run from a single record (a quiet topic) to the consumer's fetch limit (thousands).
const BATCH_SIZE_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
// One Postgres transaction per batch: milliseconds when healthy, tens of seconds under lock
// contention or a slow disk; past a minute the distinction no longer matters.
const BATCH_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createProcessorMetrics(processor: string): ProcessorMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ processor });
  collectDefaultMetrics({ register: registry, prefix: 'l3_' });
  const registers = [registry];

  return {
    registry,
    recordsConsumed: new Counter({
      name: 'l3_records_consumed_total',
      help: 'Records read from Kafka',
      labelNames: ['topic'] as const,
      registers,
    }),
    recordsApplied: new Counter({
      name: 'l3_records_applied_total',
      help: 'Records whose change was applied to Postgres',
      labelNames: ['topic'] as const,
      registers,
    }),
    recordsIgnoredOld: new Counter({
      name: 'l3_records_ignored_old_total',
      help: 'Records ignored because the stored version is newer or equal',
      labelNames: ['topic'] as const,
      registers,
    }),
    recordsDeadLettered: new Counter({
      name: 'l3_records_dead_lettered_total',
      help: 'Records sent to the dead-letter topic, by error class',
      labelNames: ['topic', 'reason'] as const,
      registers,
    }),
    batches: new Counter({
      name: 'l3_batches_total',
      help: 'Batches committed together with their consumer offsets',
      labelNames: ['topic'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'l3_retries_total',
      help: 'Attempts retried after a transient error, by what failed',
      labelNames: ['reason'] as const,
      registers,
    }),
    fencedCommits: new Counter({
      name: 'l3_fenced_commits_total',
      help: 'Commits refused because the partition moved to another instance',
      labelNames: ['topic'] as const,
      registers,
    }),
    outboxPublished: new Counter({
      name: 'l3_outbox_published_total',
      help: 'Outbox rows published to Kafka, by destination topic',
      labelNames: ['topic'] as const,
      registers,
    }),
    batchSize: new Histogram({
      name: 'l3_batch_size',
      help: 'Records per batch',
      labelNames: ['topic'] as const,
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    }),
    batchDuration: new Histogram({
      name: 'l3_batch_duration_seconds',
      help: 'Time to process and commit one batch',
      labelNames: ['topic'] as const,
      buckets: BATCH_DURATION_BUCKETS,
      registers,
    }),
    batchesInFlight: new Gauge({
      name: 'l3_batches_in_flight',
      help: 'Batch transactions open right now, on disjoint partitions',
      registers,
    }),
    consumerLag: new Gauge({
      name: 'l3_consumer_lag',
      help: 'Records between the next offset to read and the high watermark, per partition',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    outboxBacklog: new Gauge({
      name: 'l3_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers,
    }),
  };
}
