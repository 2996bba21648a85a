// Fresh proposals and decisions topics (with their value subjects registered) for gateway
// mutation tests, and what it takes to read them back: offsets, and records decoded with the serde.
import { ActionDecisionSchema, type ActionDecision } from '../../../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed } from '../../../contracts/generated/action-proposed.ts';
import { registerContracts } from '../../../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../../../contracts/serde/index.ts';
import { resolveTopicNames } from '../../../contracts/topics.ts';
import { createTopic, kafka } from '../kafka.ts';
import { readToEnd, type ReadRecord } from '../materializer/harness.ts';
import { kafkaBrokers, schemaRegistryUrl, uniqueName } from '../services.ts';

export interface CommandTopics {
  readonly proposals: string;
  readonly decisions: string;
  /** The gateway's environment for these topics (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, L3_TOPIC_*). */
  readonly env: Record<string, string>;
}

export async function createCommandTopics(): Promise<CommandTopics> {
  const suffix = uniqueName('gw').replace(/^gw\./, '');
  const proposals = `test.${suffix}.proposals`;
  const decisions = `test.${suffix}.decisions`;
  await createTopic(proposals, 1);
  await createTopic(decisions, 1);
  await registerContracts(schemaRegistryUrl(), resolveTopicNames({ proposals, decisions }));
  return {
    proposals,
    decisions,
    env: { KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: schemaRegistryUrl(), L3_TOPIC_PROPOSALS: proposals, L3_TOPIC_DECISIONS: decisions },
  };
}

/** The sum of a topic's partition end offsets: it does not move unless something was produced. */
export async function endOffset(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const serde = (): AvroSerde => AvroSerde.connect(schemaRegistryUrl());

export async function readProposals(topic: string): Promise<(ActionProposed & { record: ReadRecord })[]> {
  const s = serde();
  return Promise.all((await readToEnd(topic)).map(async (record) => ({ ...(await s.decode<ActionProposed>(record.value, ActionProposedSchema)).value, record })));
}

export async function readDecisions(topic: string): Promise<(ActionDecision & { record: ReadRecord })[]> {
  const s = serde();
  return Promise.all((await readToEnd(topic)).map(async (record) => ({ ...(await s.decode<ActionDecision>(record.value, ActionDecisionSchema)).value, record })));
}
