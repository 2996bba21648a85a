// The machine and the stack a benchmark ran on, printed above its table.
import { availableParallelism, cpus } from 'node:os';
import { withClient } from './bench-database.ts';
import type { BenchmarkEndpoints } from './benchmark-endpoints.ts';

/** `measured` names what shares the machine with the stack ("the materializer", "the processor"). */
export async function describeEnvironment(endpoints: BenchmarkEndpoints, applicationName: string, measured: string): Promise<string> {
  const { rows } = await withClient(endpoints.postgresAdminUrl, applicationName, (client) =>
    client.query<{ version: string; fsync: string; sync: string }>("SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync"),
  );
  const info = rows[0]!;
  return [
    `machine      ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), shared by Postgres, Kafka, the registry and ${measured}`,
    `runtime      node ${process.version}; PostgreSQL ${info.version} (fsync=${info.fsync}, synchronous_commit=${info.sync}); Kafka ${endpoints.kafkaBrokers.join(',')}`,
  ].join('\n');
}
