// A gateway in front of the real governance processor (a child process on topics and a database
// of its own), for the end-to-end tests of mutations and MCP proposals.
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { AvroSerde } from '../../../contracts/serde/index.ts';
import { kafkaEventFeed, type EventFeed } from '../../../gateway/subscriptions/index.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { createGovernanceEnvironment, GovernanceProcess, type GovernanceEnvironment } from '../governance/governance-harness.ts';
import { waitFor } from '../materializer/harness.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../services.ts';
import { startGateway, type TestGateway } from './gateway-harness.ts';

export interface GovernedGateway {
  readonly env: GovernanceEnvironment;
  readonly gateway: TestGateway;
  /** Its subscription feed, on the topics the processor's relay publishes to (assigned). */
  readonly feed: EventFeed;
  /** ws://…/graphql of the listening gateway. */
  readonly wsUrl: string;
}

export async function startGovernedGateway(t: Test, processorName: string): Promise<GovernedGateway> {
  const env = await createGovernanceEnvironment(t);
  const processor = GovernanceProcess.start(env, processorName);
  t.teardown(async () => {
    processor.kill('SIGKILL');
    await processor.exited;
  });
  await processor.ready();
  // The same database as the gateway role (l3_gateway: SELECT only, under row-level security).
  const gatewayUrl = new URL(env.processorUrl);
  gatewayUrl.username = 'l3_gateway';
  gatewayUrl.password = 'l3_gateway-dev';
  const feed = kafkaEventFeed({ brokers: kafkaBrokers(), serde: AvroSerde.connect(schemaRegistryUrl()), topics: env.topics, logger: createLogger({ name: 'governed-feed', level: 'silent' }) });
  const gateway = await startGateway(
    t,
    gatewayUrl.toString(),
    {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: schemaRegistryUrl(),
      L3_TOPIC_PROPOSALS: env.topics.proposals,
      L3_TOPIC_DECISIONS: env.topics.decisions,
      GATEWAY_WAIT_TIMEOUT_MS: '60000',
    },
    { eventFeed: feed },
  );
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  await waitFor('the subscription feed to be assigned its partitions', () => feed.assigned(), 60_000);
  return { env, gateway, feed, wsUrl: `ws://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}/graphql` };
}
