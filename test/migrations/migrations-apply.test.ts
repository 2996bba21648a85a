import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import t from 'tap';
import { MIGRATIONS_DIR, migrate } from '../../cli/migrate.ts';
import { connect, createTestDatabase } from '../support/database.ts';

const TABLES = [
  'tenants',
  'object_types',
  'object_properties',
  'link_types',
  'objects',
  'links',
  'tool_catalog',
  'action_proposals',
  'action_approvals',
  'audit_events',
  'outbox',
  'consumer_offsets',
];

async function migrationNames(): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  return files.map((file) => basename(file, '.sql'));
}

t.test('applying to an empty database runs every migration in order, once', async (t) => {
  const db = await createTestDatabase(t, { migrate: false });
  const expected = await migrationNames();
  t.ok(expected.length >= 6, 'the migrations folder holds the schema');
  t.same(await migrate(db.owner), expected, 'first run applies every migration, in file order');
  t.same(await migrate(db.owner), [], 're-applying is a no-op');

  const admin = await connect(t, db.admin);
  const recorded = await admin.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
  t.same(
    recorded.rows.map((row) => row.name),
    expected,
    'each migration is recorded exactly once',
  );
});

t.test('creates the twelve tables, all owned by the migration owner', async (t) => {
  const db = await createTestDatabase(t);
  const admin = await connect(t, db.admin);
  const { rows } = await admin.query<{ tablename: string; tableowner: string }>(
    "SELECT tablename, tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename = ANY($1)",
    [TABLES],
  );
  t.same(rows.map((row) => row.tablename).sort(), [...TABLES].sort());
  for (const row of rows) t.equal(row.tableowner, 'l3_owner', `${row.tablename} is owned by l3_owner`);
});

t.test('concurrent migrators apply each migration exactly once', async (t) => {
  const db = await createTestDatabase(t, { migrate: false });
  const expected = await migrationNames();
  // Both start before either finishes; node-pg-migrate's advisory lock makes the second wait.
  const results = await Promise.all([migrate(db.owner), migrate(db.owner)]);
  t.same(
    results.map((names) => names.length).sort((a, b) => a - b),
    [0, expected.length],
    'one applies everything, the other finds nothing left to do',
  );
  t.same(results.flat(), expected);
});

t.test('reports what it applies through the log function', async (t) => {
  const db = await createTestDatabase(t, { migrate: false });
  const lines: string[] = [];
  const applied = await migrate(db.owner, (line) => lines.push(line));
  for (const name of applied) {
    t.ok(
      lines.some((line) => line.includes(name)),
      `the log names ${name}`,
    );
  }
});
