import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** The numbered, forward-only SQL migrations (ARCHITECTURE §3). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** Where node-pg-migrate records what it has applied. */
export const MIGRATIONS_TABLE = 'pgmigrations';

/**
 * Applies the pending migrations to `databaseUrl`, which must connect as the migration owner
 * (l3_owner) so that it owns every object it creates. Returns the names applied, in order;
 * an up-to-date database returns []. `count` applies only that many.
 */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
  options: { readonly count?: number } = {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    // Dotfiles and notes next to the migrations are not migrations; anything else that is
    // not SQL makes the run fail loudly rather than being skipped.
    ignorePattern: '(?:\\..*|.*\\.md)',
    migrationsTable: MIGRATIONS_TABLE,
    schema: 'public',
    direction: 'up',
    // Only the next `count` (tests of an upgrade stop at the version before it).
    ...(options.count === undefined ? {} : { count: options.count }),
    // A migration that sorts before one already applied means history was rewritten.
    checkOrder: true,
    // One transaction per migration: a failure leaves the database at the last good one.
    singleTransaction: false,
    // Two processes migrating the same database at boot: the second waits on
    // node-pg-migrate's advisory lock, then finds nothing to do.
    noLock: false,
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((migration) => migration.name);
}
