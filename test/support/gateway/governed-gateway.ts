// A gateway in front of the real governance processor (a child process on topics and a database
// of its own), for the end-to-end tests of mutations and MCP proposals.
import type { Test } from 'tap';
import { createGovernanceEnvironment, GovernanceProcess, type GovernanceEnvironment } from '../governance/governance-harness.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../services.ts';
import { startGateway, type TestGateway } from './gateway-harness.ts';

export interface GovernedGateway {
  readonly env: GovernanceEnvironment;
  readonly gateway: TestGateway;
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
  const gateway = await startGateway(t, gatewayUrl.toString(), {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    SCHEMA_REGISTRY_URL: schemaRegistryUrl(),
    L3_TOPIC_PROPOSALS: env.topics.proposals,
    L3_TOPIC_DECISIONS: env.topics.decisions,
    GATEWAY_WAIT_TIMEOUT_MS: '60000',
  });
  return { env, gateway };
}
