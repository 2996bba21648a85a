import t from 'tap';
import { connect, createTestDatabase } from '../support/database.ts';
import { TENANT_TABLES } from './seed-tenant.ts';

// These read the catalog rather than exercise queries, so that a table added by a future
// migration is held to the same rules without anyone remembering to extend a test.

const db = await createTestDatabase(t);
const admin = await connect(t, db.admin);

const APPLICATION_ROLES = ['l3_gateway', 'l3_processor'];

t.test('every table with a tenant_id has row-level security enabled, forced and a policy', async (t) => {
  const { rows } = await admin.query<{
    relname: string;
    relrowsecurity: boolean;
    relforcerowsecurity: boolean;
    policies: number;
  }>(
    `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
            (SELECT count(*)::int FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public'
        AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
      ORDER BY c.relname`,
  );
  t.same(rows.map((row) => row.relname), [...TENANT_TABLES].sort(), 'the tenant tables are the ones expected');
  for (const row of rows) {
    t.ok(row.relrowsecurity, `${row.relname}: row-level security enabled`);
    t.ok(row.relforcerowsecurity, `${row.relname}: and forced on the owner`);
    t.ok(row.policies >= 1, `${row.relname}: with a policy`);
  }
});

t.test("every tenant table's isolation policy filters reads and writes on app.tenant_id", async (t) => {
  const { rows } = await admin.query<{ relname: string; cmd: string; qual: string; check: string; public: boolean }>(
    `SELECT c.relname, p.polcmd AS cmd,
            pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual,
            pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check,
            p.polroles = '{0}' AS public
       FROM pg_catalog.pg_policy p
       JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
      WHERE p.polname = 'tenant_isolation'
      ORDER BY c.relname`,
  );
  t.same(rows.map((row) => row.relname), [...TENANT_TABLES].sort());
  const expression = /tenant_id = \(NULLIF\(current_setting\('app\.tenant_id'::text, true\), ''::text\)\)::uuid/;
  for (const row of rows) {
    t.equal(row.cmd, '*', `${row.relname}: applies to every command`);
    t.ok(row.public, `${row.relname}: and to every role`);
    t.match(row.qual, expression, `${row.relname}: rows read`);
    t.match(row.check, expression, `${row.relname}: rows written`);
  }
});

t.test('nothing is owned by an application role', async (t) => {
  const { rows } = await admin.query<{ relname: string }>(
    `SELECT c.relname
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_roles r ON r.oid = c.relowner
      WHERE r.rolname = ANY($1)`,
    [APPLICATION_ROLES],
  );
  t.same(rows, []);
});

t.test('no L3 role is a superuser or may bypass row-level security', async (t) => {
  const { rows } = await admin.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT rolname, rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
    [[...APPLICATION_ROLES, 'l3_owner']],
  );
  t.equal(rows.length, 3);
  for (const row of rows) {
    t.notOk(row.rolsuper, `${row.rolname} is not a superuser`);
    t.notOk(row.rolbypassrls, `${row.rolname} does not bypass RLS`);
  }
});

t.test('the gateway may not write to any table', async (t) => {
  const { rows } = await admin.query<{ relname: string; writable: boolean }>(
    `SELECT c.relname,
            pg_catalog.has_table_privilege('l3_gateway', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
              OR pg_catalog.has_any_column_privilege('l3_gateway', c.oid, 'INSERT, UPDATE') AS writable
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  t.ok(rows.length >= 12);
  for (const row of rows) t.notOk(row.writable, `${row.relname}`);
});

t.test('only the processors can touch the consumer offsets, which have no tenant and no RLS', async (t) => {
  const { rows } = await admin.query<{ rls: boolean; gateway: boolean; processor: boolean }>(
    `SELECT c.relrowsecurity AS rls,
            pg_catalog.has_any_column_privilege('l3_gateway', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES') AS gateway,
            pg_catalog.has_table_privilege('l3_processor', c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS processor
       FROM pg_catalog.pg_class c
      WHERE c.oid = 'public.consumer_offsets'::regclass`,
  );
  t.same(rows, [{ rls: false, gateway: false, processor: true }]);
});

t.test('the audit chain is append-only for the processors', async (t) => {
  const { rows } = await admin.query<{ append: boolean; rewrite: boolean }>(
    `SELECT pg_catalog.has_table_privilege('l3_processor', 'public.audit_events', 'SELECT')
              AND pg_catalog.has_table_privilege('l3_processor', 'public.audit_events', 'INSERT') AS append,
            pg_catalog.has_table_privilege('l3_processor', 'public.audit_events', 'UPDATE, DELETE, TRUNCATE') AS rewrite`,
  );
  t.same(rows, [{ append: true, rewrite: false }]);
});

t.test('no application role can create objects in the public schema', async (t) => {
  const { rows } = await admin.query<{ rolname: string; can_create: boolean }>(
    `SELECT rolname, pg_catalog.has_schema_privilege(rolname, 'public', 'CREATE') AS can_create
       FROM unnest($1::text[]) AS rolname`,
    [APPLICATION_ROLES],
  );
  for (const row of rows) t.notOk(row.can_create, row.rolname);
});
