import pg from 'pg';
import { migrate } from './migrate.ts';

/** Connection URLs for one provisioned database, one per role. */
export interface DatabaseUrls {
  /** The superuser the database was provisioned with. */
  readonly admin: string;
  /** l3_owner: owns every object; runs migrations. */
  readonly owner: string;
  /** l3_gateway: reads, under row-level security. */
  readonly gateway: string;
  /** l3_processor: writes, under row-level security. */
  readonly processor: string;
}

/**
 * The application's login roles and their passwords. DEV ONLY: the embedded stack and the
 * tests listen on loopback; any shared or production database gets its roles and secrets
 * from its platform, never from these constants.
 */
export const DEV_ROLES = {
  owner: { name: 'l3_owner', password: 'l3_owner-dev' },
  gateway: { name: 'l3_gateway', password: 'l3_gateway-dev' },
  processor: { name: 'l3_processor', password: 'l3_processor-dev' },
} as const;

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// Serializes provisioning across processes: concurrent ALTER ROLE on one role fails with
// "tuple concurrently updated", and two CREATE ROLE of the same name race. Any constant will
// do; this one is "l3prov" in ASCII.
const PROVISIONING_LOCK = 0x6c3370726f76;

/**
 * Creates, or brings up to date, the database `databaseName` for L3: the login roles, the
 * database owned by l3_owner, the extensions only a superuser may create, and the schema
 * (as l3_owner, through {@link migrate}). Idempotent. `adminUrl` must be a superuser URL.
 */
export async function provisionDatabase(adminUrl: string, databaseName: string): Promise<DatabaseUrls> {
  const urls = await prepareDatabase(adminUrl, databaseName);
  await migrate(urls.owner);
  return urls;
}

/** {@link provisionDatabase} without the migrations: an empty database ready for them. */
export async function prepareDatabase(adminUrl: string, databaseName: string): Promise<DatabaseUrls> {
  if (!DATABASE_NAME.test(databaseName)) {
    throw new Error(`database name ${JSON.stringify(databaseName)} does not match ${DATABASE_NAME}`);
  }
  const urls: DatabaseUrls = {
    admin: databaseUrl(adminUrl, databaseName),
    owner: databaseUrl(adminUrl, databaseName, DEV_ROLES.owner),
    gateway: databaseUrl(adminUrl, databaseName, DEV_ROLES.gateway),
    processor: databaseUrl(adminUrl, databaseName, DEV_ROLES.processor),
  };

  const cluster = new pg.Client({ connectionString: adminUrl });
  await cluster.connect();
  try {
    await cluster.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    try {
      await ensureRoles(cluster);
      await ensureDatabase(cluster, databaseName);
    } finally {
      await cluster.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]);
    }
  } finally {
    await cluster.end();
  }

  const database = new pg.Client({ connectionString: urls.admin });
  await database.connect();
  try {
    // pgvector is not a trusted extension: only a superuser can create it, so it is created
    // here and the migration's CREATE EXTENSION IF NOT EXISTS finds it in place.
    await database.query('CREATE EXTENSION IF NOT EXISTS vector');
  } finally {
    await database.end();
  }
  return urls;
}

async function ensureRoles(cluster: pg.Client): Promise<void> {
  for (const role of Object.values(DEV_ROLES)) {
    const { rowCount } = await cluster.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role.name]);
    // Role names and passwords cannot be bind parameters in CREATE/ALTER ROLE; they are
    // quoted by pg's escape functions instead.
    const name = pg.escapeIdentifier(role.name);
    if (rowCount === 0) await cluster.query(`CREATE ROLE ${name}`);
    // Also converges roles created NOLOGIN by a migration, or altered by hand: none of them
    // may bypass row-level security or administer the cluster.
    await cluster.query(
      `ALTER ROLE ${name} WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION ` +
        `PASSWORD ${pg.escapeLiteral(role.password)}`,
    );
  }
}

async function ensureDatabase(cluster: pg.Client, databaseName: string): Promise<void> {
  const { rowCount } = await cluster.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [databaseName]);
  if (rowCount !== 0) return;
  // template0 rather than template1: CREATE DATABASE fails while anyone is connected to its
  // template, and template0 never accepts connections.
  await cluster.query(
    `CREATE DATABASE ${pg.escapeIdentifier(databaseName)} OWNER ${pg.escapeIdentifier(DEV_ROLES.owner.name)} TEMPLATE template0`,
  );
}

function databaseUrl(adminUrl: string, databaseName: string, role?: { name: string; password: string }): string {
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  if (role !== undefined) {
    // The URL setters percent-encode what needs it.
    url.username = role.name;
    url.password = role.password;
  }
  return url.toString();
}
