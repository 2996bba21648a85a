// The benchmark's floor (loadtest/README.md, "The publication floor"): the materializer's applied
// changes encoded and handed to the relay's producer straight from the batch, with no outbox row
// written, read back or marked, and no leader. Publication is chained off the batch (the batch
// does not wait for the broker), as the relay is. NOT a valid product: a crash loses or repeats
// changes, and a change may be published before its transaction commits. It exists to measure
// what publishing every change costs this machine, whatever carries it there.
import type { AvroRecordSchema, AvroSerde } from '../../contracts/serde/index.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import type { OutboxRow } from '../../runtime/outbox/outbox-writer.ts';
import { RelayProducer, type RelayRecord } from '../../runtime/outbox/relay-producer.ts';

export interface DirectChangePublisherOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly serde: AvroSerde;
  /** The value schema of the changes topic. */
  readonly schema: AvroRecordSchema;
  readonly logger: Logger;
  /** Counts what was acknowledged, as the relay does (l3_outbox_published_total). */
  readonly metrics: ProcessorMetrics;
  /** A send that fails ends the process: the floor is only meaningful if everything arrives. */
  readonly onFatal: (error: Error) => void;
}

export class DirectChangePublisher {
  readonly #options: DirectChangePublisherOptions;
  readonly #producer: RelayProducer;
  /** Sends in call order, one at a time (RelayProducer's sends must not overlap). */
  #chain: Promise<void>;

  constructor(options: DirectChangePublisherOptions) {
    this.#options = options;
    this.#producer = new RelayProducer({ brokers: options.brokers, clientId: options.clientId, logger: options.logger });
    this.#chain = this.#producer.connect().catch((error: unknown) => options.onFatal(error as Error));
  }

  /** The materializer's `recordChanges`: queues the changes and returns at once. */
  readonly record = async (_tx: unknown, changes: readonly OutboxRow[]): Promise<void> => {
    if (changes.length === 0) return;
    this.#chain = this.#chain.then(() => this.#publish(changes)).catch((error: unknown) => this.#options.onFatal(error as Error));
  };

  async #publish(changes: readonly OutboxRow[]): Promise<void> {
    const records: RelayRecord[] = [];
    const byTopic = new Map<string, number>();
    const encoders = new Map<string, (value: unknown) => Buffer>();
    for (const change of changes) {
      let encode = encoders.get(change.topic);
      if (!encode) encoders.set(change.topic, (encode = await this.#options.serde.encoderFor(`${change.topic}-value`, this.#options.schema)));
      records.push({ topic: change.topic, key: change.key, value: encode(change.payload), headers: change.headers });
      byTopic.set(change.topic, (byTopic.get(change.topic) ?? 0) + 1);
    }
    await this.#producer.send(records);
    for (const [topic, count] of byTopic) this.#options.metrics.outboxPublished.inc({ topic }, count);
  }

  /** Waits for what was queued, then disconnects. */
  async stop(): Promise<void> {
    await this.#chain;
    await this.#producer.disconnect();
  }
}
