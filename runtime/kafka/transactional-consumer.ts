// The Kafka -> Postgres loop every processor shares (ARCHITECTURE §4):
//   consume a batch (read_committed) -> handler applies it in ONE Postgres transaction ->
//   dead letters and the consumed offsets are written in that same transaction -> commit.
// On assignment the instance claims its partitions in Postgres and seeks to the stored offsets,
// never the broker's. A failure to load them stops the instance: @confluentinc/kafka-javascript
// only logs a throwing rebalance callback and would carry on from the broker's offsets.
// Transient failures (Postgres or the registry down) are retried with backoff, so nothing is
// skipped; a record that fails on its own for a non-transient reason is dead-lettered.
// Several batches may be in flight at once, each in its own transaction, on disjoint partitions
// (partition-queues.ts, docs/adr/0010-batches-in-flight.md): one batch's Node work overlaps
// another's time in Postgres, while each partition still applies in offset order.
import { RdKafka, type LibrdKafkaError, type Message } from '@confluentinc/kafka-javascript';

const { KafkaConsumer } = RdKafka;
type KafkaConsumer = InstanceType<typeof RdKafka.KafkaConsumer>;
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import { endWithError, linksTo } from '../telemetry.ts';
import { traceparentFromRecordHeaders } from '../trace-context.ts';
import type { Logger } from '../logger.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import { isTransientKafkaError, isTransientPostgresError, retryWithBackoff } from '../backoff.ts';
import type { ConsumedRecord, DeadLetter } from './consumed-record.ts';
import { storeDeadLetters } from './dead-letter-store.ts';
import { claimPartitions, commitOffsets, tpKey, type PartitionClaim, type TopicPartition } from './offset-store.ts';
import { PartitionQueues } from './partition-queues.ts';

const ERR_ASSIGN_PARTITIONS = -175;

/** Worth retrying: Postgres down or busy, or a dependency that says so (the registry). */
const isTransient = (error: unknown): boolean => isTransientPostgresError(error) || (error as { retryable?: unknown } | null)?.retryable === true;
const ERR_REVOKE_PARTITIONS = -174;

export interface BatchOutcome {
  readonly deadLetters: readonly DeadLetter[];
}

/** Applies decoded records inside the transaction `tx`; throws to roll the batch back. */
export type BatchHandler = (tx: PoolClient, records: readonly ConsumedRecord[]) => Promise<BatchOutcome>;

/**
 * exactly-once: offsets live in Postgres with the state (the product).
 * at-least-once: offsets are committed to Kafka after the Postgres commit (a benchmark baseline:
 * a crash between the two replays the batch).
 */
export type CommitMode = 'exactly-once' | 'at-least-once';

export interface TransactionalConsumerOptions {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly clientId: string;
  readonly topics: readonly string[];
  readonly pool: Pool;
  readonly handler: BatchHandler;
  readonly processor: string;
  readonly dlqTopicOf: (topic: string) => string;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  /** Called when the instance must stop (offsets could not be loaded, consumer broken). */
  readonly onFatal: (error: Error) => void;
  readonly batchSize?: number;
  /** Batch transactions run at once, on disjoint partitions (1: one after the other). */
  readonly maxInFlight?: number;
  readonly commitMode?: CommitMode;
  /** Extra librdkafka settings (tests shorten session timeouts). */
  readonly kafkaConfig?: Readonly<Record<string, string | number | boolean>>;
  readonly signal?: AbortSignal;
  /** OpenTelemetry: a span per batch transaction (runtime/telemetry.ts); none when absent. */
  readonly tracer?: Tracer;
}

export class FencedError extends Error {
  /** The fenced partitions, with the claim generation the refused commit named. */
  readonly partitions: readonly PartitionClaim[];
  constructor(partitions: readonly PartitionClaim[]) {
    super(`fenced: ${partitions.map(tpKey).join(', ')} now belong to another instance`);
    this.name = 'FencedError';
    this.partitions = partitions;
  }
}

interface Owned {
  generation: number;
  nextOffset: number;
}

export class TransactionalConsumer {
  readonly #options: TransactionalConsumerOptions;
  readonly #mode: CommitMode;
  readonly #owned = new Map<string, Owned>();
  readonly #queues = new PartitionQueues();
  /**
   * Assignments and seeks waiting for the moment between two fetches. A fetch outstanding while
   * the position moves could return records from before the move as well as after it, with
   * nothing to tell them apart; applied between fetches, every record fetched later is from the
   * new position, and the queued ones from the old are purged.
   */
  readonly #positionChanges: (() => void)[] = [];
  #consumer: KafkaConsumer | undefined;
  #rebalanceEpoch = 0;
  #joined = false;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #lagTimer: NodeJS.Timeout | undefined;

  constructor(options: TransactionalConsumerOptions) {
    this.#options = options;
    this.#mode = options.commitMode ?? 'exactly-once';
  }

  /** True once the group assigned this instance (possibly zero partitions). */
  get joined(): boolean {
    return this.#joined;
  }

  get ownedPartitions(): string[] {
    return [...this.#owned.keys()];
  }

  async start(): Promise<void> {
    const { options } = { options: this.#options };
    const consumer = new KafkaConsumer(
      {
        'metadata.broker.list': options.brokers.join(','),
        'group.id': options.groupId,
        'client.id': options.clientId,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        // Eager protocol: a revocation takes every partition away before the next assignment,
        // so ownership changes happen at one point in time per instance.
        'partition.assignment.strategy': 'range,roundrobin',
        'enable.partition.eof': false,
        'fetch.wait.max.ms': 50,
        ...(options.kafkaConfig ?? {}),
        rebalance_cb: (error: LibrdKafkaError, assignment: TopicPartition[]) => this.#onRebalance(error, assignment),
      },
      { 'auto.offset.reset': 'earliest' },
    );
    this.#consumer = consumer;
    consumer.setDefaultConsumeTimeout(100);
    await new Promise<void>((resolve, reject) => {
      consumer.connect({ timeout: 30_000 }, (error) => (error ? reject(error) : resolve()));
    });
    consumer.subscribe([...options.topics]);
    this.#loop = this.#run().catch((error: unknown) => options.onFatal(error as Error));
    this.#lagTimer = setInterval(() => this.#reportLag(), 5_000);
    this.#lagTimer.unref();
  }

  /** Finishes the batches in flight (committing them), then leaves the group. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#lagTimer) clearInterval(this.#lagTimer);
    await this.#loop;
    const consumer = this.#consumer;
    if (consumer?.isConnected()) {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    }
  }

  #onRebalance(error: LibrdKafkaError, assignment: TopicPartition[]): void {
    const consumer = this.#consumer!;
    const epoch = ++this.#rebalanceEpoch;
    if (error.code === ERR_REVOKE_PARTITIONS) {
      // Batches in flight on these partitions carry on: their commits are fenced (exactly-once)
      // if a new owner claimed the partitions first.
      for (const tp of assignment) this.#forget(tpKey(tp));
      // Not ready again until the group assigns (eager protocol: revoke all, then assign); an
      // instance dropped from the group stays unready instead of reporting a stale "joined".
      this.#joined = false;
      this.#options.logger.info({ partitions: assignment.map(tpKey) }, 'partitions revoked');
      consumer.unassign();
      return;
    }
    if (error.code !== ERR_ASSIGN_PARTITIONS) {
      this.#options.onFatal(new Error(`unexpected rebalance event ${error.code}: ${error.message}`));
      return;
    }
    if (this.#mode === 'at-least-once') {
      this.#positionChanges.push(() => {
        if (epoch !== this.#rebalanceEpoch) return; // superseded by a newer rebalance
        for (const tp of assignment) {
          this.#queues.purge(tpKey(tp));
          this.#owned.set(tpKey(tp), { generation: 0, nextOffset: 0 });
        }
        consumer.assign(assignment);
        this.#joined = true;
        this.#options.logger.info({ partitions: assignment.map(tpKey) }, "partitions assigned (at-least-once: from the broker's committed offsets)");
      });
      return;
    }
    // The stored offsets are loaded asynchronously; librdkafka waits for assign() meanwhile.
    void retryWithBackoff(() => claimPartitions(this.#options.pool, this.#options.groupId, assignment), {
      isRetryable: isTransientPostgresError,
      maxAttempts: 8,
      initialMs: 200,
      maxMs: 5_000,
      onRetry: (retryError, attempt) => this.#options.logger.warn({ err: retryError, attempt }, 'loading stored offsets failed; retrying'),
    }).then(
      (claims) => {
        this.#positionChanges.push(() => {
          if (epoch !== this.#rebalanceEpoch || this.#stopping) return; // superseded by a newer rebalance
          for (const claim of claims) {
            this.#queues.purge(tpKey(claim));
            this.#owned.set(tpKey(claim), { generation: claim.generation, nextOffset: claim.nextOffset });
          }
          consumer.assign(claims.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.nextOffset })));
          this.#joined = true;
          this.#options.logger.info({ partitions: claims.map((c) => `${tpKey(c)}@${c.nextOffset}#${c.generation}`) }, 'partitions assigned from stored offsets');
        });
      },
      (claimError: unknown) => {
        // Never fall back to the broker's offsets: that could skip or repeat records.
        this.#options.onFatal(new Error('could not load stored offsets on assignment; stopping', { cause: claimError }));
      },
    );
  }

  async #run(): Promise<void> {
    const batchSize = this.#options.batchSize ?? 1000;
    const maxInFlight = this.#options.maxInFlight ?? 1;
    // Fetch ahead what the free slots and the next batch can use. Records of partitions held by
    // a batch do not count towards that, up to a hard cap: a fetch returns a partition's records
    // in chunks of up to ~1 MB, and the next partition's only come after them.
    const highWater = batchSize * (maxInFlight + 1);
    const hardCap = highWater * 4;
    const inFlight = new Set<Promise<void>>();
    let fetching: Promise<void> | undefined;
    let failure: { error: unknown } | undefined;
    const running = () => !this.#stopping && !this.#options.signal?.aborted && failure === undefined;
    const fail = (error: unknown) => {
      // An abort while waiting to retry is the shutdown, not a failure of the records: nothing
      // was committed, so the next owner applies them.
      if (!this.#options.signal?.aborted) failure ??= { error };
    };
    while (running()) {
      while (inFlight.size < maxInFlight) {
        // With a slot left after this batch, take one partition, so the next batch finds work.
        const taken = this.#queues.take(batchSize, inFlight.size + 1 < maxInFlight);
        if (!taken) break;
        const batch: Promise<void> = this.#processWithRetry(this.#stillWanted(taken.records))
          .catch(fail)
          .finally(() => {
            this.#queues.release(taken.partitions);
            inFlight.delete(batch);
            this.#options.metrics.batchesInFlight.set(inFlight.size);
          });
        inFlight.add(batch);
        this.#options.metrics.batchesInFlight.set(inFlight.size);
      }
      if (!fetching && this.#queues.available < highWater && this.#queues.size < hardCap) {
        fetching = this.#fetch(batchSize)
          .catch(fail)
          .finally(() => (fetching = undefined));
      }
      // Whichever ends first frees a slot or brings records: then dispatch again.
      await Promise.race([...inFlight, ...(fetching ? [fetching] : [])]);
    }
    // Finish (and commit) what is in flight; records fetched meanwhile stay uncommitted.
    await Promise.all([...inFlight, fetching]);
    if (failure) throw failure.error;
  }

  /** Fetches records and queues those of partitions this instance owns and has not applied. */
  async #fetch(count: number): Promise<void> {
    for (const change of this.#positionChanges.splice(0)) change();
    const messages = await this.#consume(count);
    // Fetched after the shutdown began: leave them uncommitted for the next owner.
    if (messages.length === 0 || this.#stopping || this.#options.signal?.aborted) return;
    // Partitions revoked while the fetch was outstanding are no longer owned: dropped here.
    this.#queues.push(this.#ownedRecords(messages));
  }

  /** Records still worth applying when their batch starts (ownership may have changed since). */
  #stillWanted(records: readonly ConsumedRecord[]): ConsumedRecord[] {
    return records.filter((record) => this.#wanted(tpKey(record), record.offset));
  }

  #wanted(key: string, offset: number): boolean {
    const owned = this.#owned.get(key);
    return owned !== undefined && (this.#mode !== 'exactly-once' || offset >= owned.nextOffset);
  }

  /** The instance no longer owns the partition: drop its state and its queued records. */
  #forget(key: string): void {
    this.#owned.delete(key);
    this.#queues.purge(key);
  }

  #consume(count: number): Promise<Message[]> {
    return new Promise((resolve, reject) => {
      this.#consumer!.consume(count, (error, messages) => {
        if (!error) return resolve(messages);
        if (isTransientKafkaError(error)) {
          this.#options.logger.warn({ err: error }, 'consume failed; retrying');
          return resolve([]);
        }
        reject(error);
      });
    });
  }

  /** Drops records of partitions this instance no longer owns, and records already applied. */
  #ownedRecords(messages: readonly Message[]): ConsumedRecord[] {
    const records: ConsumedRecord[] = [];
    for (const message of messages) {
      if (!this.#wanted(tpKey(message), message.offset)) continue;
      records.push({
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
        value: message.value ?? null,
        headers: (message.headers ?? []).flatMap((header) =>
          Object.entries(header).map(([key, value]) => ({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(String(value)) })),
        ),
        timestamp: message.timestamp,
      });
    }
    return records;
  }

  async #processWithRetry(records: readonly ConsumedRecord[]): Promise<void> {
    let pending = records;
    while (pending.length > 0) {
      try {
        await retryWithBackoff(() => this.#applyBatch(pending), {
          isRetryable: isTransient,
          initialMs: 200,
          maxMs: 10_000,
          ...(this.#options.signal ? { signal: this.#options.signal } : {}),
          onRetry: (error, attempt, delayMs) => {
            this.#options.metrics.retries.inc({ reason: 'transient' });
            this.#options.logger.warn({ err: error, attempt, delayMs, records: pending.length }, 'batch failed transiently; retrying');
          },
        });
        return;
      } catch (error) {
        if (this.#options.signal?.aborted) throw error;
        if (error instanceof FencedError) {
          this.#options.metrics.fencedCommits.inc({ topic: error.partitions[0]?.topic ?? '' });
          this.#options.logger.warn({ partitions: error.partitions.map(tpKey) }, 'commit fenced: partitions moved to another instance; their records are dropped');
          this.#forgetFenced(error);
          const fenced = new Set(error.partitions.map(tpKey));
          pending = pending.filter((record) => !fenced.has(tpKey(record)));
          continue;
        }
        // A non-transient failure of the batch as a whole: find the records that cause it.
        try {
          await this.#bisect(pending, error as Error);
        } catch (bisectError) {
          if (!(bisectError instanceof FencedError)) throw bisectError;
          // Part of the batch may be committed, part not: resume every still-owned partition
          // from its stored position rather than lose the records after it.
          this.#forgetFenced(bisectError);
          this.#rewind(pending);
        }
        return;
      }
    }
  }

  /**
   * Drops the partitions a commit was fenced on, unless they were claimed again since the batch
   * began (a rebalance in the meantime gave them back): that newer claim stays.
   */
  #forgetFenced(error: FencedError): void {
    for (const claim of error.partitions) {
      const key = tpKey(claim);
      if (this.#owned.get(key)?.generation === claim.generation) this.#forget(key);
    }
  }

  /** Splits a failing batch until each failing record stands alone, and dead-letters those. */
  async #bisect(records: readonly ConsumedRecord[], error: Error): Promise<void> {
    if (records.length === 1) {
      const record = records[0]!;
      this.#options.logger.error({ err: error, topic: record.topic, partition: record.partition, offset: record.offset }, 'record failed; dead-lettering it');
      await this.#processWithRetryOrDeadLetter(record, error);
      return;
    }
    const middle = Math.ceil(records.length / 2);
    for (const half of [records.slice(0, middle), records.slice(middle)]) {
      try {
        await retryWithBackoff(() => this.#applyBatch(half), { isRetryable: isTransient, initialMs: 200, maxMs: 10_000 });
      } catch (halfError) {
        if (halfError instanceof FencedError) throw halfError;
        await this.#bisect(half, halfError as Error);
      }
    }
  }

  async #processWithRetryOrDeadLetter(record: ConsumedRecord, error: Error): Promise<void> {
    const deadLetter: DeadLetter = { record, errorClass: (error as { code?: string }).code ?? error.name ?? 'Error', errorMessage: error.message };
    await retryWithBackoff(() => this.#applyBatch([record], deadLetter), { isRetryable: isTransient, initialMs: 200, maxMs: 10_000 });
  }

  /** One transaction: handler effects, dead letters, offsets. `forcedDeadLetter` skips the handler. */
  async #applyBatch(all: readonly ConsumedRecord[], forcedDeadLetter?: DeadLetter): Promise<void> {
    // A retry may come after the partition was lost and claimed back: what another owner applied
    // meanwhile must not be applied again, nor its stored offset moved backwards.
    const records = this.#mode === 'exactly-once' ? all.filter((r) => r.offset >= (this.#owned.get(tpKey(r))?.nextOffset ?? Number.POSITIVE_INFINITY)) : all;
    if (records.length === 0) return;
    const tracer = this.#options.tracer;
    if (tracer === undefined) {
      await this.#applyRecords(records, forcedDeadLetter);
      return;
    }
    // One span per transaction, linked to the trace of every record in it (telemetry.ts).
    const span = tracer.startSpan(`${this.#options.processor} batch`, {
      kind: SpanKind.CONSUMER,
      links: linksTo(records.map((record) => traceparentFromRecordHeaders(record.headers))),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': this.#options.groupId,
        'messaging.batch.message_count': records.length,
        'messaging.destination.name': [...new Set(records.map((r) => r.topic))].join(','),
        'l3.commit_mode': this.#mode,
      },
    });
    try {
      const deadLetters = await this.#applyRecords(records, forcedDeadLetter);
      span.setAttribute('l3.dead_letters', deadLetters);
      span.end();
    } catch (error) {
      endWithError(span, error);
      throw error;
    }
  }

  /** #applyBatch's work; returns how many dead letters the batch stored. */
  async #applyRecords(records: readonly ConsumedRecord[], forcedDeadLetter?: DeadLetter): Promise<number> {
    const { pool, metrics, groupId } = this.#options;
    const started = process.hrtime.bigint();
    const commits = this.#commitsFor(records);
    const client = await pool.connect();
    let outcome: BatchOutcome;
    let storedDeadLetters: { topic: string; errorClass: string }[] = [];
    try {
      await client.query('BEGIN');
      outcome = forcedDeadLetter ? { deadLetters: [forcedDeadLetter] } : await this.#options.handler(client, records);
      storedDeadLetters = await storeDeadLetters(client, { group: groupId, processor: this.#options.processor, dlqTopicOf: this.#options.dlqTopicOf }, outcome.deadLetters);
      if (this.#mode === 'exactly-once') {
        const fenced = new Set((await commitOffsets(client, groupId, commits)).map(tpKey));
        if (fenced.size > 0) {
          await client.query('ROLLBACK');
          throw new FencedError(commits.filter((commit) => fenced.has(tpKey(commit))));
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // A connection broken mid-transaction must not go back to the pool.
      client.release(isTransientPostgresError(error) ? (error as Error) : undefined);
      throw error;
    }
    client.release();
    if (this.#mode === 'at-least-once') await this.#commitToKafka(commits);
    for (const commit of commits) {
      const owned = this.#owned.get(tpKey(commit));
      if (owned && owned.generation === commit.generation) owned.nextOffset = commit.nextOffset;
    }
    const topic = records[0]?.topic ?? '';
    metrics.batches.inc({ topic });
    metrics.batchSize.observe({ topic }, records.length);
    metrics.batchDuration.observe({ topic }, Number(process.hrtime.bigint() - started) / 1e9);
    for (const record of records) metrics.recordsConsumed.inc({ topic: record.topic });
    // Counted as stored: a replayed batch finds its dead letters already parked.
    for (const dead of storedDeadLetters) metrics.recordsDeadLettered.inc({ topic: dead.topic, reason: dead.errorClass });
    return storedDeadLetters.length;
  }

  /** Seeks the still-owned partitions of `records` back to their next unapplied offset. */
  #rewind(records: readonly ConsumedRecord[]): void {
    const seen = new Set<string>();
    for (const record of records) {
      const key = tpKey(record);
      const owned = this.#owned.get(key);
      if (!owned || seen.has(key)) continue;
      seen.add(key);
      // Not owned until the seek: records fetched before it (after this batch's) are dropped.
      this.#forget(key);
      const epoch = this.#rebalanceEpoch;
      this.#positionChanges.push(() => {
        if (epoch !== this.#rebalanceEpoch) return; // a rebalance since: its assignment decides
        this.#owned.set(key, owned);
        this.#consumer!.seek({ topic: record.topic, partition: record.partition, offset: owned.nextOffset }, 5_000, () => {});
      });
    }
  }

  #commitsFor(records: readonly ConsumedRecord[]): PartitionClaim[] {
    const last = new Map<string, ConsumedRecord>();
    for (const record of records) {
      const key = tpKey(record);
      const seen = last.get(key);
      if (!seen || record.offset > seen.offset) last.set(key, record);
    }
    return [...last.entries()].map(([key, record]) => ({
      topic: record.topic,
      partition: record.partition,
      nextOffset: record.offset + 1,
      generation: this.#owned.get(key)?.generation ?? -1,
    }));
  }

  #commitToKafka(commits: readonly PartitionClaim[]): Promise<void> {
    // A partition revoked while its batch was in flight is not committed: its next owner
    // replays the batch from the broker's offset, as at-least-once allows.
    const owned = commits.filter((c) => this.#owned.has(tpKey(c)));
    if (owned.length === 0) return Promise.resolve();
    try {
      this.#consumer!.commitSync(owned.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.nextOffset })));
    } catch (error) {
      // A rebalance under way refuses the commit. The batch is in Postgres already: failing it
      // here would re-apply and then dead-letter good records; replaying it is what
      // at-least-once means.
      this.#options.logger.warn({ err: error, partitions: owned.map(tpKey) }, 'offset commit to Kafka refused; the batch will be replayed');
    }
    return Promise.resolve();
  }

  #reportLag(): void {
    const consumer = this.#consumer;
    if (!consumer?.isConnected()) return;
    for (const [key, owned] of this.#owned) {
      const match = /^(.*)\[(\d+)\]$/.exec(key);
      if (!match) continue;
      const [, topic, partition] = match;
      consumer.queryWatermarkOffsets(topic!, Number(partition), 2_000, (error, offsets) => {
        if (error || !offsets) return;
        this.#options.metrics.consumerLag.set({ topic: topic!, partition: partition! }, Math.max(0, offsets.highOffset - owned.nextOffset));
      });
    }
  }
}
