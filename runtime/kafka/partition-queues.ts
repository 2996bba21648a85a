// The records an instance has fetched but not yet handed to a batch, one queue per partition,
// for a consumer that runs several batch transactions at once (docs/adr/0010-batches-in-flight.md).
// A partition is in at most one batch in flight, so its records apply in offset order. Knowing
// which records must not be applied (after a seek, a revocation or a fenced commit) is the
// consumer's part (transactional-consumer.ts); here a partition's queue is simply purged.
import type { ConsumedRecord } from './consumed-record.ts';
import { tpKey } from './offset-store.ts';

/** A batch taken from the queues: its records, and the partitions it holds until released. */
export interface TakenBatch {
  readonly records: readonly ConsumedRecord[];
  readonly partitions: readonly string[];
}

export class PartitionQueues {
  // Map order is the order partitions got records: an emptied queue is deleted, so a partition
  // refilled later goes to the back (round robin among partitions with work).
  readonly #queues = new Map<string, ConsumedRecord[]>();
  readonly #busy = new Set<string>();
  #size = 0;

  /** Records queued, all partitions together. */
  get size(): number {
    return this.#size;
  }

  /** Records queued for partitions no batch in flight holds: what the next batch could take. */
  get available(): number {
    let held = 0;
    for (const key of this.#busy) held += this.#queues.get(key)?.length ?? 0;
    return this.#size - held;
  }

  /** Partitions held by batches in flight. */
  get busyPartitions(): number {
    return this.#busy.size;
  }

  /** Queues fetched records, in the order fetched. */
  push(records: readonly ConsumedRecord[]): void {
    for (const record of records) {
      const key = tpKey(record);
      let queue = this.#queues.get(key);
      if (!queue) {
        queue = [];
        this.#queues.set(key, queue);
      }
      queue.push(record);
      this.#size++;
    }
  }

  /** Drops a partition's queued records. */
  purge(key: string): void {
    const queue = this.#queues.get(key);
    if (!queue) return;
    this.#size -= queue.length;
    this.#queues.delete(key);
  }

  /**
   * Takes up to `max` records of partitions no batch in flight holds, and holds those partitions.
   * With `spread` (other batches could start next to this one) a batch takes one partition, so
   * the next batch finds work too; otherwise it fills up from as many partitions as it takes.
   */
  take(max: number, spread: boolean): TakenBatch | undefined {
    const records: ConsumedRecord[] = [];
    const partitions: string[] = [];
    for (const [key, queue] of this.#queues) {
      if (this.#busy.has(key)) continue;
      const taken = queue.length <= max - records.length ? queue.splice(0) : queue.splice(0, max - records.length);
      for (const record of taken) records.push(record);
      partitions.push(key);
      if (queue.length === 0) this.#queues.delete(key);
      if (spread || records.length >= max) break;
    }
    if (records.length === 0) return undefined;
    this.#size -= records.length;
    for (const key of partitions) this.#busy.add(key);
    return { records, partitions };
  }

  /** The batch holding these partitions ended: they can be taken again. */
  release(partitions: readonly string[]): void {
    for (const key of partitions) this.#busy.delete(key);
  }
}
