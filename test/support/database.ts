import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';
import { prepareDatabase, provisionDatabase } from '../../cli/provision-database.ts';
import type { DatabaseUrls } from '../../cli/provision-database.ts';

// The one place the tests learn where PostgreSQL is: bin/l3 test (or a developer) exports a
// superuser URL for a cluster that has pgvector installed.
function adminUrl(): string {
  const url = process.env.L3_PG_ADMIN_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'L3_PG_ADMIN_URL is not set: the database tests need a PostgreSQL 16 superuser URL on a cluster ' +
        'with pgvector, e.g. postgres://postgres@127.0.0.1:5432/postgres (`bin/l3 test` sets it).',
    );
  }
  return url;
}

export interface TestDatabaseOptions {
  /** Apply the migrations (default). false leaves a prepared but empty database. */
  readonly migrate?: boolean;
}

/**
 * A fresh, uniquely named database for test `t`, provisioned like a real one (roles,
 * extensions, migrations) and dropped when `t` ends.
 */
export async function createTestDatabase(t: Test, options: TestDatabaseOptions = {}): Promise<DatabaseUrls> {
  const admin = adminUrl();
  const name = `l3_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  // Registered first so that a provisioning that fails half-way is still cleaned up.
  t.teardown(() => dropDatabase(admin, name));
  return options.migrate === false ? prepareDatabase(admin, name) : provisionDatabase(admin, name);
}

async function dropDatabase(admin: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    // FORCE: a pool a test forgot to close must not keep the database alive.
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` in a transaction scoped to `tenantId`, the way the gateway and the processors
 * do: the setting is transaction-local, so it cannot leak to the connection's next user.
 */
export async function withTenant<T>(
  client: pg.ClientBase,
  tenantId: string,
  fn: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The caller needs fn's error, not a failure to roll back on a broken connection.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Runs `fn` in a transaction on a connection of `pool`, committing unless told to roll back. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>, end: 'COMMIT' | 'ROLLBACK' = 'COMMIT'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(end);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Opens a client for `url` that `t` closes when it ends. */
export async function connect(t: Test, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}
