// Publishes what processors wrote to `outbox` (l3.* events, as Avro) and to `dead_letters`
// (original bytes to <topic>.dlq), in id order, with an idempotent producer (ARCHITECTURE §4).
// One relay publishes at a time: the leader holds a session advisory lock on its own connection,
// so with several processor instances the order per key is kept. A round reads in one short
// transaction, publishes with none open, and marks what the broker acknowledged in another: a
// broker outage must not keep a transaction open (it would hold back vacuum everywhere) for as
// long as librdkafka waits. A crash between the broker's ack and the mark republishes the round:
// consumers dedupe on eventId.
import pg from 'pg';
import type { AvroSerde, AvroRecordSchema } from '../../contracts/serde/index.ts';
import type { Logger } from '../logger.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import { isTransientKafkaError, isTransientPostgresError, retryWithBackoff } from '../backoff.ts';
import type { OutboxMessage } from './outbox-writer.ts';
import { RelayProducer, type RelayRecord } from './relay-producer.ts';

/** Arbitrary but fixed: the advisory lock that makes one relay the publisher. */
export const RELAY_LOCK_KEY = 0x4c33_0b0c;
/**
 * How long Postgres lets the relay's session sit idle before it ends it, and the lock with it. A
 * leader that runs rounds queries every idle interval; one that stops doing so (its process
 * frozen, or a send waiting on the broker for this long) loses the lead, so a frozen process does
 * not hold up every change for good. A live relay that lost its session starts a new one.
 */
const LEADER_LEASE = '30s';

export interface OutboxRelayOptions {
  /** The relay's own session (it holds the leader lock), not one of the processor's pool. */
  readonly databaseUrl: string;
  readonly applicationName: string;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly serde: AvroSerde;
  /** The value schema of an outbox topic (from the contracts' catalog). */
  readonly schemaForTopic: (topic: string) => AvroRecordSchema | undefined;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  /** Records per round: envelopes are taken whole, at least one, until this many records. */
  readonly batchSize?: number;
  readonly idleMs?: number;
  /** Published envelopes older than this are deleted (their records are on Kafka). */
  readonly retainPublishedMs?: number;
  /** Extra librdkafka settings of the producer (tests shorten timeouts). */
  readonly producerSettings?: Readonly<Record<string, string | number | boolean>>;
}

interface EnvelopeRow {
  id: string;
  topic: string;
  messages: OutboxMessage[];
  /** Records not yet published, this round's included (for the backlog gauge). */
  backlog: string;
}

interface DeadLetterRow {
  id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  dlq_topic: string;
  record_key: Buffer | null;
  record_value: Buffer | null;
  record_headers: [string, string][];
  error_class: string;
  error_message: string;
  processor: string;
}

export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #producer: RelayProducer;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #rounds = 0;
  /** The relay's connection; the leader lock lives and dies with it. */
  #session: pg.Client | undefined;
  #leading = false;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#producer = new RelayProducer({ brokers: options.brokers, clientId: options.clientId, logger: options.logger, settings: options.producerSettings });
  }

  /** Whether this relay holds the leader lock (it is the one publishing). */
  get leading(): boolean {
    return this.#leading;
  }

  async start(onFatal: (error: Error) => void): Promise<void> {
    await this.#producer.connect();
    this.#loop = this.#run().catch((error: unknown) => onFatal(error as Error));
  }

  /** Stops the loop, the producer and the session; a second call waits for the first. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    await this.#producer.disconnect();
    // Ending the session releases the leader lock at once, so another relay takes over.
    await this.#dropSession();
  }

  async #run(): Promise<void> {
    const idleMs = this.#options.idleMs ?? 100;
    while (!this.#stopping) {
      const published = await retryWithBackoff(() => this.publishOnce(), {
        isRetryable: (error) => isTransientPostgresError(error) || isTransientKafkaError(error),
        initialMs: 200,
        maxMs: 10_000,
        onRetry: (error, attempt) => {
          this.#options.metrics.retries.inc({ reason: 'relay' });
          this.#options.logger.warn({ err: error, attempt }, 'outbox relay round failed; retrying');
        },
      });
      if (published === 0 && !this.#stopping) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, idleMs).unref();
        });
      }
    }
  }

  /** One round: publish up to a batch of outbox records and dead letters; returns how many records. */
  async publishOnce(): Promise<number> {
    try {
      const session = await this.#leaderSession();
      if (!session) return 0;
      const published = (await this.#publishOutbox(session)) + (await this.#publishDeadLetters(session));
      if (++this.#rounds % 600 === 0) await this.#prune(session);
      return published;
    } catch (error) {
      // A broken connection took the lock with it; the next round starts a new session.
      if (isTransientPostgresError(error)) await this.#dropSession();
      throw error;
    }
  }

  /** The session, once it holds the leader lock; undefined while another relay leads. */
  async #leaderSession(): Promise<pg.Client | undefined> {
    if (!this.#session) {
      const session = new pg.Client({ connectionString: this.#options.databaseUrl, application_name: this.#options.applicationName });
      // A connection lost while idle must not end the process; the next query fails and the
      // round is retried on a new session.
      session.on('error', (error) => this.#options.logger.warn({ err: error }, 'outbox relay connection lost'));
      try {
        await session.connect();
        await session.query(`SET idle_session_timeout = '${LEADER_LEASE}'; SET idle_in_transaction_session_timeout = '${LEADER_LEASE}'`);
      } catch (error) {
        await session.end().catch(() => {});
        throw error;
      }
      this.#session = session;
    }
    if (!this.#leading) {
      const { rows } = await this.#session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
      this.#leading = rows[0]?.locked === true;
      if (this.#leading) this.#options.logger.info('outbox relay leads: it publishes for every processor');
    }
    return this.#leading ? this.#session : undefined;
  }

  async #dropSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#leading = false;
    await session?.end().catch(() => {});
  }

  /** A short transaction in relay mode: the relay's cross-tenant access (see migration 0006). */
  async #inRelayTransaction<T>(session: pg.Client, work: () => Promise<T>): Promise<T> {
    await session.query('BEGIN');
    try {
      await session.query("SELECT set_config('app.outbox_relay', 'on', true)");
      const result = await work();
      await session.query('COMMIT');
      return result;
    } catch (error) {
      await session.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async #publishOutbox(session: pg.Client): Promise<number> {
    // Whole envelopes in id order, as many as fit the batch (the first one always does).
    const { rows } = await this.#inRelayTransaction(session, () =>
      session.query<EnvelopeRow>(
        `SELECT id, topic, messages, backlog FROM (
           SELECT id, topic, messages,
                  sum(message_count) OVER (ORDER BY id) - message_count AS before,
                  sum(message_count) OVER () AS backlog
           FROM outbox WHERE published_at IS NULL
         ) unpublished
         WHERE before < $1
         ORDER BY id`,
        [this.#options.batchSize ?? 1000],
      ),
    );
    // No transaction is open from here until the mark: the send may wait on the broker for long.
    this.#options.metrics.outboxBacklog.set(rows.length === 0 ? 0 : Number(rows[0]!.backlog));
    if (rows.length === 0) return 0;
    const records: RelayRecord[] = [];
    const published = new Map<string, number>();
    for (const row of rows) {
      const schema = this.#options.schemaForTopic(row.topic);
      if (!schema) throw new Error(`outbox envelope ${row.id} names topic ${row.topic}, which has no value schema in the catalog`);
      // One registry lookup per envelope at most (cached), then each record is encoded in place.
      const encode = await this.#options.serde.encoderFor(`${row.topic}-value`, schema);
      for (const message of row.messages) records.push({ topic: row.topic, key: message.key, value: encode(message.payload), headers: message.headers });
      published.set(row.topic, (published.get(row.topic) ?? 0) + row.messages.length);
    }
    await this.#producer.send(records);
    await this.#inRelayTransaction(session, () => session.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]));
    for (const [topic, count] of published) this.#options.metrics.outboxPublished.inc({ topic }, count);
    return records.length;
  }

  async #publishDeadLetters(session: pg.Client): Promise<number> {
    const { rows } = await session.query<DeadLetterRow>(
      `SELECT id, source_topic, source_partition, source_offset, dlq_topic, record_key, record_value, record_headers,
              error_class, error_message, processor
       FROM dead_letters WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.#options.batchSize ?? 500],
    );
    if (rows.length === 0) return 0;
    const records: RelayRecord[] = [];
    const published = new Map<string, number>();
    for (const row of rows) {
      // Original headers first, then the dlq.* headers of ARCHITECTURE §5.
      const headers: Record<string, Buffer | string> = {};
      for (const [name, base64] of row.record_headers) headers[name] = Buffer.from(base64, 'base64');
      Object.assign(headers, {
        'dlq.original.topic': row.source_topic,
        'dlq.original.partition': String(row.source_partition),
        'dlq.original.offset': String(row.source_offset),
        'dlq.error.class': row.error_class,
        'dlq.error.message': row.error_message,
        'dlq.processor': row.processor,
      });
      records.push({ topic: row.dlq_topic, key: row.record_key, value: row.record_value, headers });
      published.set(row.dlq_topic, (published.get(row.dlq_topic) ?? 0) + 1);
    }
    await this.#producer.send(records);
    await session.query('UPDATE dead_letters SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
    for (const [topic, count] of published) this.#options.metrics.outboxPublished.inc({ topic }, count);
    return rows.length;
  }

  async #prune(session: pg.Client): Promise<void> {
    await this.#inRelayTransaction(session, () => session.query("DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)", [(this.#options.retainPublishedMs ?? 86_400_000) / 1000]));
  }
}
