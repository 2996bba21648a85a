// Produces records one by one and returns the offset each got, so a test can name a record by its
// offset (poison-input: each dead letter carries dlq.original.offset). One send per record: the
// KafkaJS-style client reports a batch as one base offset per partition.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { kafka } from '../kafka.ts';

export interface ProducedRecord {
  readonly partition: number;
  readonly offset: number;
}

export async function produceInOrder(topic: string, messages: readonly KafkaJS.Message[]): Promise<ProducedRecord[]> {
  const producer = kafka('test-ordered-producer').producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await producer.connect();
  try {
    const produced: ProducedRecord[] = [];
    for (const message of messages) {
      const [metadata] = await producer.send({ topic, messages: [message] });
      if (metadata === undefined || metadata.baseOffset === undefined || metadata.baseOffset === null) {
        throw new Error(`no offset reported for a record sent to ${topic}`);
      }
      produced.push({ partition: metadata.partition, offset: Number(metadata.baseOffset) });
    }
    return produced;
  } finally {
    await producer.disconnect();
  }
}
