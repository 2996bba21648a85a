// `l3 up`: the platform on the embedded stack: services, the platform database (roles, migrations),
// every topic and every registered schema. Prints where everything is.
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { loadCliConfig } from './config.ts';
import { createTopics } from './create-topics.ts';
import { PLATFORM_DATABASE } from './db-command.ts';
import { provisionDatabase } from './provision-database.ts';
import { openStack } from './stack-command.ts';

export async function platformUp(_args: string[]): Promise<number> {
  const started = Date.now();
  const stack = openStack();
  const endpoints = await stack.up();
  const config = loadCliConfig();
  const urls = await provisionDatabase(endpoints.postgresAdminUrl, PLATFORM_DATABASE);
  const topics = await createTopics(endpoints.kafkaBrokers.split(','), { replicationFactor: config.topicReplicationFactor });
  const subjects = await registerContracts(endpoints.schemaRegistryUrl);
  console.log(
    [
      `AIX L3 is up (${((Date.now() - started) / 1000).toFixed(1)} s): ${topics.length} topics, ${subjects.length} schemas registered.`,
      '',
      `  DATABASE_URL=${urls.processor}`,
      `  GATEWAY_DATABASE_URL=${urls.gateway}`,
      `  KAFKA_BROKERS=${endpoints.kafkaBrokers}`,
      `  SCHEMA_REGISTRY_URL=${endpoints.schemaRegistryUrl}`,
      '',
      'Stop it with: bin/l3 down',
    ].join('\n'),
  );
  return 0;
}
