// Real Kafka clients for tests (@confluentinc/kafka-javascript, KafkaJS-style API).
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { kafkaBrokers } from './services.ts';

export function kafka(clientId = 'l3-test'): KafkaJS.Kafka {
  return new KafkaJS.Kafka({ kafkaJS: { brokers: kafkaBrokers(), clientId, logLevel: KafkaJS.logLevel.ERROR } });
}

export async function createTopic(name: string, partitions = 1): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

export interface ConsumedRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: string;
  readonly headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/**
 * Reads a topic from the beginning until `until` holds for what was read, or the deadline passes.
 * Waits on a condition, never a fixed sleep.
 */
export async function readTopic(
  topic: string,
  options: { readCommittedOnly: boolean; until: (records: ConsumedRecord[]) => boolean; timeoutMs?: number },
): Promise<ConsumedRecord[]> {
  const consumer = kafka().consumer({
    kafkaJS: { groupId: `test-reader-${Math.random().toString(36).slice(2)}`, fromBeginning: true, readUncommitted: !options.readCommittedOnly },
  });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic });
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ key: message.key?.toString() ?? null, value: message.value, partition, offset: message.offset, headers: message.headers ?? {} });
        if (options.until(records)) done();
      },
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`read ${records.length} records from ${topic} in ${timeoutMs} ms without meeting the condition`)), timeoutMs);
    });
    await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    return records;
  } finally {
    await consumer.disconnect();
  }
}
