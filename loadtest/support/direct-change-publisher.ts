// The benchmark's floor (loadtest/README.md, "The publication floor"): the materializer's applied
// changes encoded and handed to the relay's producer straight from the batch, with no outbox row
// written, read back or marked, and no leader. Publication runs off the batch (the batch does not
// wait for the broker), as the relay does, and a batch's send may overlap the previous batch's
// (the producer keeps the order per key), so the floor is not held back by waiting on
// acknowledgements one send at a time. NOT a valid product: a crash loses or repeats
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
  readonly #connected: Promise<void>;
  /** Settles when the latest call's changes are encoded: the next call encodes after it. */
  #encodedTail: Promise<unknown>;
  /** Sends not yet acknowledged, for stop(). */
  readonly #pending = new Set<Promise<void>>();

  constructor(options: DirectChangePublisherOptions) {
    this.#options = options;
    this.#producer = new RelayProducer({ brokers: options.brokers, clientId: options.clientId, logger: options.logger });
    this.#connected = this.#producer.connect().catch((error: unknown) => options.onFatal(error as Error));
    this.#encodedTail = this.#connected;
  }

  /** The materializer's `recordChanges`: starts sending the changes and returns at once. */
  readonly record = async (_tx: unknown, changes: readonly OutboxRow[]): Promise<void> => {
    if (changes.length === 0) return;
    // Encoded in call order and sent in that order (the producer hands sends over in call
    // order), so a key's changes keep their order across batches.
    const encoded = this.#encodedTail.then(() => this.#encode(changes));
    this.#encodedTail = encoded.catch(() => {});
    const sent = encoded.then((records) => this.#send(records)).catch((error: unknown) => this.#options.onFatal(error as Error));
    this.#pending.add(sent);
    void sent.then(() => this.#pending.delete(sent));
  };

  async #encode(changes: readonly OutboxRow[]): Promise<RelayRecord[]> {
    const records: RelayRecord[] = [];
    const encoders = new Map<string, (value: unknown) => Buffer>();
    for (const change of changes) {
      let encode = encoders.get(change.topic);
      if (!encode) encoders.set(change.topic, (encode = await this.#options.serde.encoderFor(`${change.topic}-value`, this.#options.schema)));
      records.push({ topic: change.topic, key: change.key, value: encode(change.payload), headers: change.headers });
    }
    return records;
  }

  async #send(records: readonly RelayRecord[]): Promise<void> {
    await this.#producer.send(records);
    const byTopic = new Map<string, number>();
    for (const record of records) byTopic.set(record.topic, (byTopic.get(record.topic) ?? 0) + 1);
    for (const [topic, count] of byTopic) this.#options.metrics.outboxPublished.inc({ topic }, count);
  }

  /** Waits for what was sent, then disconnects. */
  async stop(): Promise<void> {
    await this.#connected;
    await Promise.all(this.#pending);
    await this.#producer.disconnect();
  }
}
