// The relay's Kafka producer: idempotent, acks from every in-sync replica, and a send that
// resolves once the broker has acknowledged every record of a round (or rejects with the first
// failure). Built on the library's native-style Producer rather than its KafkaJS layer: that
// layer creates a promise and a metadata object per record and converts headers again, which cost
// about 3 µs of CPU per record, a tenth of the materializer's per-event budget; here a send is one
// promise and a delivery report only counts down. Sends may overlap (a publisher can hand over
// the next round while the broker acknowledges the previous one): each record carries its round
// as librdkafka's opaque, so its report finds the send it belongs to. Sends hand their records
// over one after the other, in call order, even when one waits for room in librdkafka's queue,
// and librdkafka keeps that order per partition: so the order per key holds across sends.
import rdkafka from '@confluentinc/kafka-javascript';
import type { Logger } from '../logger.ts';

const { Producer, CODES } = rdkafka;

export interface RelayRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string | Buffer>>;
}

/** One send(): how many records still await their delivery report, and the first failure. */
class Round {
  remaining: number;
  failure: Error | undefined;
  readonly done: Promise<void>;
  #settle!: () => void;

  constructor(records: number) {
    this.remaining = records;
    this.done = new Promise<void>((resolve) => (this.#settle = resolve));
    if (records === 0) this.#settle();
  }

  delivered(error: Error | null): void {
    if (error && !this.failure) this.failure = error;
    if (--this.remaining === 0) this.#settle();
  }

  /** Records that were never handed to librdkafka will have no report. */
  abandon(records: number): void {
    this.remaining -= records;
    if (records > 0 && this.remaining === 0) this.#settle();
  }
}

export class RelayProducer {
  readonly #producer: InstanceType<typeof Producer>;
  readonly #logger: Logger;
  /** Records handed over and not yet reported, over every send. */
  #inFlight = 0;
  /** The send waiting for room in librdkafka's queue (hand-overs take turns, so at most one): woken by the next delivery report. */
  #waitingForRoom: (() => void) | undefined;
  /** Settles when the latest send has handed over its records: the next one starts after it. */
  #handOverTail: Promise<void> = Promise.resolve();

  /** `settings`: extra librdkafka settings (tests shorten timeouts). */
  constructor(options: { brokers: readonly string[]; clientId: string; logger: Logger; settings?: Readonly<Record<string, string | number | boolean>> }) {
    this.#logger = options.logger;
    this.#producer = new Producer({
      'bootstrap.servers': options.brokers.join(','),
      'client.id': options.clientId,
      // Idempotence keeps librdkafka's retries from duplicating or reordering records within a partition.
      'enable.idempotence': true,
      acks: -1,
      'max.in.flight.requests.per.connection': 5,
      'linger.ms': 5,
      // A record the broker has not acknowledged after 30 s fails its send (librdkafka's default
      // is 5 minutes): an outage then shows as retried rounds (l3_retries_total{reason="relay"})
      // within the relay's leader lease, and a shutdown does not wait on the broker for minutes.
      'message.timeout.ms': 30_000,
      // The partitioner of the Java client and of the KafkaJS layer the other producers use, so a
      // key lands on the same partition whoever writes it.
      partitioner: 'murmur2_random',
      dr_cb: true,
      ...options.settings,
    });
    this.#producer.on('delivery-report', (error, report) => {
      this.#inFlight--;
      // Every record is produced with its round as the opaque; a report without one would be a
      // record this class did not hand over, and must not crash the process from a native callback.
      const round = (report as unknown as { opaque?: Round } | undefined)?.opaque;
      if (round instanceof Round) round.delivered(error as unknown as Error | null);
      else this.#logger.error({ err: error }, 'relay producer: a delivery report without its send');
      const wake = this.#waitingForRoom;
      this.#waitingForRoom = undefined;
      wake?.();
    });
    // Connection trouble is retried by librdkafka and surfaces in the reports; this is for operators.
    this.#producer.on('event.error', (error) => this.#logger.warn({ err: error }, 'relay producer error'));
  }

  connect(timeoutMs = 30_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#producer.connect({ timeout: timeoutMs }, (error) => {
        if (error) return reject(error);
        // Delivery reports are served by librdkafka's background thread, not a JS timer.
        this.#producer.setPollInBackground(true);
        resolve();
      });
    });
  }

  /** Resolves when every record is acknowledged; rejects with the first failure once none is in flight. */
  async send(records: readonly RelayRecord[]): Promise<void> {
    const round = new Round(records.length);
    const previous = this.#handOverTail;
    let handedOver!: () => void;
    this.#handOverTail = new Promise<void>((resolve) => (handedOver = resolve));
    try {
      await previous;
      await this.#handOver(records, round);
    } finally {
      handedOver();
    }
    await round.done;
    if (round.failure) throw round.failure;
  }

  async #handOver(records: readonly RelayRecord[], round: Round): Promise<void> {
    let handedOver = 0;
    // After a failure the remaining records are not handed over: the round fails anyway, and
    // the caller publishes them again, in order, in its next round.
    while (handedOver < records.length && !round.failure) {
      const record = records[handedOver]!;
      const headers = Object.entries(record.headers).map(([name, value]) => ({ [name]: value }));
      try {
        this.#producer.produce(record.topic, null, record.value, record.key, null, round, headers);
        handedOver++;
        this.#inFlight++;
      } catch (error) {
        // librdkafka's local queue is full: wait for a report (of any send) to make room.
        if ((error as { code?: number }).code === CODES.ERRORS.ERR__QUEUE_FULL && this.#inFlight > 0) {
          await new Promise<void>((resolve) => (this.#waitingForRoom = resolve));
          continue;
        }
        round.failure ??= error as Error;
      }
    }
    round.abandon(records.length - handedOver);
  }

  disconnect(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#producer.flush(10_000, () => this.#producer.disconnect(() => resolve()));
    });
  }
}
