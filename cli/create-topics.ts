// Creates every topic of the contracts' catalog (and its dead-letter topic) if it does not exist,
// and refuses to go on when an existing topic has fewer partitions than the catalog says: keys
// would then hash to other partitions than the processors expect.
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { allTopics, defaultTopicNames, topicConfigOf, type TopicNames } from '../contracts/topics.ts';
import { isTransientKafkaError, retryWithBackoff } from '../runtime/backoff.ts';
import { CliError } from './cli-error.ts';

export interface TopicOutcome {
  readonly name: string;
  readonly created: boolean;
  readonly partitions: number;
}

export async function createTopics(
  brokers: string[],
  options: { names?: TopicNames; replicationFactor?: number } = {},
): Promise<TopicOutcome[]> {
  const names = options.names ?? defaultTopicNames;
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers, clientId: 'l3-create-topics', logLevel: KafkaJS.logLevel.ERROR } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = allTopics(names);
    const missing = wanted.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(topicConfigOf(topic)).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    // A topic just created may not be in the broker's metadata yet: ask again until it is.
    const metadata = await retryWithBackoff(() => admin.fetchTopicMetadata({ topics: wanted.map((topic) => topic.name) }), {
      isRetryable: (error) => /UNKNOWN_TOPIC|Unknown topic/i.test(`${(error as { type?: string }).type ?? ''} ${(error as Error).message}`) || isTransientKafkaError(error),
      initialMs: 100,
      maxMs: 2_000,
      maxAttempts: 40,
    });
    const partitionsOf = new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
    return wanted.map((topic) => {
      const partitions = partitionsOf.get(topic.name) ?? 0;
      if (partitions < topic.partitions) {
        throw new CliError('KAFKA', `topic ${topic.name} has ${partitions} partitions, the catalog says ${topic.partitions}`);
      }
      return { name: topic.name, created: missing.includes(topic), partitions };
    });
  } finally {
    await admin.disconnect();
  }
}
