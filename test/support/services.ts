// Where the running embedded stack is, as exported by `bin/l3 test` (or `bin/l3 stack env`).
// The only place tests read the environment for Kafka and the registry.

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with bin/l3 test (it starts the stack and exports it)`);
  return value;
}

export const kafkaBrokers = (): string[] => required('KAFKA_BROKERS').split(',');
export const schemaRegistryUrl = (): string => required('SCHEMA_REGISTRY_URL');

/** A name no other test run uses: topics and subjects outlive a run. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
