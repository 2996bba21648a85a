// Postgres connections of the benchmarks themselves (not of the processors they measure).
import pg from 'pg';

/**
 * A client whose connection may die while idle (another suite restarting the shared Postgres, a
 * forced DROP DATABASE): without an 'error' listener that would crash the benchmark before it
 * cleans up. The failure still surfaces, as the rejection of the client's next query.
 */
export function newClient(url: string, applicationName: string): pg.Client {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  return client;
}

/** Runs `fn` on a connection of its own, closed afterwards. */
export async function withClient<T>(url: string, applicationName: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = newClient(url, applicationName);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a benchmark's database, closing whatever connections it still has. */
export async function dropDatabase(adminUrl: string, applicationName: string, name: string): Promise<void> {
  await withClient(adminUrl, applicationName, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

/** Every measurement starts right after a checkpoint, so none pays for another's dirty pages. */
export async function checkpoint(adminUrl: string, applicationName: string): Promise<void> {
  await withClient(adminUrl, applicationName, (client) => client.query('CHECKPOINT'));
}
