// PartitionQueues (runtime/kafka/partition-queues.ts): the fetched-but-not-applied records of a
// consumer with several batches in flight. Pure logic, no broker.
import t from 'tap';
import type { ConsumedRecord } from '../../runtime/kafka/consumed-record.ts';
import { PartitionQueues } from '../../runtime/kafka/partition-queues.ts';

const record = (partition: number, offset: number, topic = 'objects'): ConsumedRecord => ({
  topic,
  partition,
  offset,
  key: null,
  value: null,
  headers: [],
  timestamp: undefined,
});
const offsets = (records: readonly ConsumedRecord[] | undefined) => (records ?? []).map((r) => `${r.topic}[${r.partition}]@${r.offset}`);
const range = (partition: number, from: number, count: number, topic?: string) =>
  Array.from({ length: count }, (_, i) => record(partition, from + i, topic));

t.test('a batch takes a partition whole and in offset order; a held partition is not taken again until released', async (t) => {
  const queues = new PartitionQueues();
  queues.push([...range(0, 10, 3), ...range(1, 0, 2)]);
  t.equal(queues.size, 5);

  const first = queues.take(100, true)!;
  t.same(offsets(first.records), ['objects[0]@10', 'objects[0]@11', 'objects[0]@12'], 'spread: one partition, in order');
  t.same(first.partitions, ['objects[0]']);
  queues.push(range(0, 13, 2));
  const second = queues.take(100, true)!;
  t.same(offsets(second.records), ['objects[1]@0', 'objects[1]@1'], 'partition 0 is held by the first batch, so the next takes partition 1');
  t.equal(queues.take(100, false), undefined, 'every partition with records is held: nothing to take');
  t.equal(queues.busyPartitions, 2);
  t.equal(queues.size, 2, "partition 0's two later records wait");
  t.equal(queues.available, 0, 'but no batch could take them now');

  queues.release(first.partitions);
  t.equal(queues.available, 2, 'released: they can be taken');
  t.same(offsets(queues.take(100, false)?.records), ['objects[0]@13', 'objects[0]@14'], 'released: partition 0 continues where its last batch ended');
  t.equal(queues.size, 0);
});

t.test('without spread a batch fills up from several partitions, and never takes more than max', async (t) => {
  const queues = new PartitionQueues();
  queues.push([...range(0, 0, 3), ...range(1, 0, 3, 'links'), ...range(2, 0, 3)]);
  const batch = queues.take(5, false)!;
  t.same(offsets(batch.records), ['objects[0]@0', 'objects[0]@1', 'objects[0]@2', 'links[1]@0', 'links[1]@1'], 'partition 0 whole, then the head of links[1]');
  t.same(batch.partitions, ['objects[0]', 'links[1]'], 'both partitions are held, the partly taken one too');
  t.same(offsets(queues.take(5, false)?.records), ['objects[2]@0', 'objects[2]@1', 'objects[2]@2'], 'the rest of links[1] waits for its batch');
  t.equal(queues.size, 1);
});

t.test('partitions take turns: one refilled after it was emptied goes behind those already waiting', async (t) => {
  const queues = new PartitionQueues();
  queues.push([...range(0, 0, 2), ...range(1, 0, 2)]);
  const a = queues.take(10, true)!;
  queues.release(a.partitions);
  queues.push(range(0, 2, 2));
  t.same(queues.take(10, true)?.partitions, ['objects[1]'], 'partition 1 waited longer');
});

t.test('a purge drops the queued records of one partition', async (t) => {
  const queues = new PartitionQueues();
  queues.push([...range(0, 0, 2), ...range(1, 0, 2)]);
  queues.purge('objects[0]');
  queues.purge('objects[7]'); // nothing queued: nothing to do
  t.equal(queues.size, 2, "partition 0's two records are gone");
  t.same(offsets(queues.take(10, false)?.records), ['objects[1]@0', 'objects[1]@1'], 'partition 1 lost nothing');
  queues.push(range(0, 0, 2)); // re-read after a seek
  t.same(offsets(queues.take(10, false)?.records), ['objects[0]@0', 'objects[0]@1']);
});

t.test('purging a partition held by a batch in flight keeps it held until the batch ends', async (t) => {
  const queues = new PartitionQueues();
  queues.push(range(3, 0, 4));
  const batch = queues.take(2, true)!;
  queues.purge('objects[3]');
  t.equal(queues.size, 0, 'the untaken records are dropped');
  queues.push(range(3, 0, 4));
  t.equal(queues.take(10, false), undefined, 'the re-read records wait: the partition is still in a batch');
  queues.release(batch.partitions);
  t.same(offsets(queues.take(10, false)?.records), ['objects[3]@0', 'objects[3]@1', 'objects[3]@2', 'objects[3]@3']);
});
