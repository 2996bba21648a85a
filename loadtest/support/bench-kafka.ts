// Kafka housekeeping of the benchmarks: per-run topics, their input, their end offsets, cleanup.
import { randomBytes } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';

/** A run's id, unique enough to name its topics, consumer group and instance. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function withKafkaAdmin<T>(kafka: KafkaJS.Kafka, fn: (admin: KafkaJS.Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the topics that do not exist yet (replication factor 1: a single broker). */
export async function ensureTopics(kafka: KafkaJS.Kafka, topics: readonly { topic: string; numPartitions: number }[]): Promise<void> {
  await withKafkaAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((t) => ({ ...t, replicationFactor: 1 })) });
  });
}

/** Produces `messages` in batches of 10 000, idempotently, acknowledged by all replicas. */
export async function produce(kafka: KafkaJS.Kafka, topic: string, messages: readonly KafkaJS.Message[]): Promise<void> {
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': 20 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 10_000) {
      await producer.sendBatch({ topicMessages: [{ topic, messages: messages.slice(i, i + 10_000) }] });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Each partition's end offset. */
export async function highWatermarks(kafka: KafkaJS.Kafka, topic: string): Promise<Map<number, number>> {
  const offsets = await withKafkaAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Deletes a run's topics and consumer groups. */
export async function deleteKafkaLeftovers(kafka: KafkaJS.Kafka, topics: readonly string[], groups: readonly string[]): Promise<void> {
  await withKafkaAdmin(kafka, async (admin) => {
    await admin.deleteTopics({ topics: [...topics] });
    await admin.deleteGroups([...groups]).catch(() => {}); // an exactly-once group may hold nothing to delete
  });
}
