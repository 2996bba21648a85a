// Tenant isolation rests on row-level security, which a superuser, a BYPASSRLS role or a table
// owner does not obey, and the single-writer rule on the gateway not being able to write. A
// DATABASE_URL naming the wrong role would silently serve every tenant's rows, so the gateway
// checks its role before it serves anything and refuses to start otherwise.
import type { Pool } from 'pg';

// Tables the gateway reads; it must be able to SELECT them and nothing more.
const TRUTH_TABLES = ['objects', 'links', 'action_proposals', 'audit_events'] as const;

export async function verifyDatabaseRole(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ role: string; superuser: boolean; bypass_rls: boolean; owns: boolean; writes: boolean; reads: boolean }>(
    `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
            EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = ANY($1::text[]) AND c.relnamespace = 'public'::regnamespace
                    AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owns,
            bool_or(has_table_privilege(current_user, 'public.' || t, 'INSERT, UPDATE, DELETE, TRUNCATE')) AS writes,
            bool_and(has_table_privilege(current_user, 'public.' || t, 'SELECT')) AS reads
     FROM pg_roles r, unnest($1::text[]) AS t
     WHERE r.rolname = current_user
     GROUP BY r.rolname, r.rolsuper, r.rolbypassrls`,
    [TRUTH_TABLES],
  );
  const role = rows[0];
  if (role === undefined) throw new Error('cannot read the database role the gateway connects as');
  const problems = [
    role.superuser && 'is a superuser',
    role.bypass_rls && 'bypasses row-level security',
    role.owns && 'owns the tables (owners can disable row-level security)',
    role.writes && 'may write the tables (the gateway only reads)',
    !role.reads && `cannot SELECT ${TRUTH_TABLES.join(', ')}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) {
    throw new Error(`DATABASE_URL connects as role ${role.role}, which ${problems.join(' and ')}; the gateway must connect as l3_gateway`);
  }
}
