import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';
import { seedTenant, TENANT_TABLES } from './seed-tenant.ts';
import type { SeededTenant, TenantTable } from './seed-tenant.ts';

const PERMISSION_DENIED = { code: '42501', message: /permission denied/ };
const RLS_REFUSED = { code: '42501', message: /row-level security/ };

const db = await createTestDatabase(t);
const admin = await connect(t, db.admin);
const processor = await connect(t, db.processor);
const gateway = await connect(t, db.gateway);

const tenantA = randomUUID();
const tenantB = randomUUID();
const a = await withTenant(processor, tenantA, (client) => seedTenant(client, tenantA));
const b = await withTenant(processor, tenantB, (client) => seedTenant(client, tenantB));

// The gateway has no grant on the outbox at all; it is covered separately below.
const GATEWAY_TABLES = TENANT_TABLES.filter((table) => table !== 'outbox');

function table(name: TenantTable): string {
  return pg.escapeIdentifier(name);
}

// The truth, read as superuser (which bypasses RLS): how many rows each tenant owns.
async function rowCount(name: TenantTable, tenantId: string): Promise<number> {
  const { rows } = await admin.query<{ count: string }>(
    `SELECT count(*) FROM ${table(name)} WHERE tenant_id = $1`,
    [tenantId],
  );
  return Number(rows[0]?.count);
}

async function tenantIdsVisible(client: pg.ClientBase, name: TenantTable): Promise<string[]> {
  const { rows } = await client.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${table(name)}`);
  return rows.map((row) => row.tenant_id);
}

for (const name of GATEWAY_TABLES) {
  t.test(`${name}: the gateway sees exactly the current tenant's rows`, async (t) => {
    for (const tenant of [a, b]) {
      const visible = await withTenant(gateway, tenant.tenantId, (client) => tenantIdsVisible(client, name));
      t.ok(visible.length > 0, 'the tenant has rows here');
      t.equal(visible.length, await rowCount(name, tenant.tenantId), 'all of them');
      t.same([...new Set(visible)], [tenant.tenantId], 'and none of another tenant');
    }
  });

  t.test(`${name}: the gateway sees no rows when no tenant is set`, async (t) => {
    // A connection that has never defined app.tenant_id: current_setting(..., true) is NULL.
    const fresh = await connect(t, db.gateway);
    t.same(await tenantIdsVisible(fresh, name), []);
  });

  t.test(`${name}: the gateway sees no rows when the tenant is the empty string`, async (t) => {
    t.same(await withTenant(gateway, '', (client) => tenantIdsVisible(client, name)), []);
  });

  t.test(`${name}: the gateway may not insert, update or delete`, async (t) => {
    const inTenantA = <T>(fn: (client: pg.ClientBase) => Promise<T>) => withTenant(gateway, tenantA, fn);
    await t.rejects(
      inTenantA((client) => client.query(`INSERT INTO ${table(name)} (tenant_id) VALUES ($1)`, [tenantA])),
      PERMISSION_DENIED,
      'insert',
    );
    await t.rejects(
      inTenantA((client) => client.query(`UPDATE ${table(name)} SET tenant_id = tenant_id`)),
      PERMISSION_DENIED,
      'update',
    );
    await t.rejects(inTenantA((client) => client.query(`DELETE FROM ${table(name)}`)), PERMISSION_DENIED, 'delete');
  });
}

t.test('a tenant id that is not a uuid fails the query instead of matching rows', async (t) => {
  await t.rejects(
    withTenant(gateway, 'not-a-uuid', (client) => tenantIdsVisible(client, 'objects')),
    { code: '22P02' },
  );
});

t.test('the gateway cannot read the outbox or the consumer offsets', async (t) => {
  await t.rejects(
    withTenant(gateway, tenantA, (client) => client.query('SELECT * FROM outbox')),
    PERMISSION_DENIED,
  );
  await t.rejects(
    withTenant(gateway, tenantA, (client) => client.query('SELECT * FROM consumer_offsets')),
    PERMISSION_DENIED,
  );
});

t.test("the processor sees only the current tenant's rows in every tenant table", async (t) => {
  for (const name of TENANT_TABLES) {
    const visible = await withTenant(processor, tenantA, (client) => tenantIdsVisible(client, name));
    t.equal(visible.length, await rowCount(name, tenantA), `${name}: all of tenant A's rows`);
    t.same([...new Set(visible)], [tenantA], `${name}: none of tenant B's`);
  }
});

t.test("the processor cannot write another tenant's rows", async (t) => {
  const asA = <T>(fn: (client: pg.ClientBase) => Promise<T>) => withTenant(processor, tenantA, fn);
  await t.rejects(
    asA((client) => client.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [randomUUID(), 'intruder'])),
    RLS_REFUSED,
    'a new tenant other than the current one',
  );
  await t.rejects(
    asA((client) =>
      client.query("INSERT INTO objects (tenant_id, object_type_id, external_id) VALUES ($1, $2, 'planted')", [
        tenantB,
        b.objectTypeId,
      ]),
    ),
    RLS_REFUSED,
    "an object in tenant B's name",
  );
  await t.rejects(
    asA((client) =>
      client.query(
        `INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event)
         VALUES ($1, 2, $2, $2, 'Planted', '{}')`,
        [tenantB, b.auditHead.hash],
      ),
    ),
    RLS_REFUSED,
    "an audit event in tenant B's chain",
  );
  await t.rejects(
    asA((client) =>
      client.query(
        `INSERT INTO outbox (tenant_id, topic, messages, message_count)
         VALUES ($1, 'l3.ontology.changes.v1', $2, 1)`,
        [tenantB, JSON.stringify([{ key: `${tenantB}:planted`, eventId: randomUUID(), payload: {}, headers: {} }])],
      ),
    ),
    RLS_REFUSED,
    "an outbox record in tenant B's name",
  );
  await t.rejects(
    asA((client) => client.query('UPDATE objects SET tenant_id = $1 WHERE id = $2', [tenantB, a.objectIds[0]])),
    RLS_REFUSED,
    "moving one of A's objects to tenant B",
  );
  const untouched = await withTenant(processor, tenantB, (client) =>
    client.query('UPDATE objects SET version = version + 1 WHERE id = $1', [a.objectIds[0]]),
  );
  t.equal(untouched.rowCount, 0, "an update from tenant B does not even find A's object");
});

t.test("a link can never point at another tenant's object", async (t) => {
  const linkToB = (client: pg.ClientBase, seeded: SeededTenant) =>
    client.query(
      `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id)
       VALUES ($1, $2, $3, $4, $3, $5)`,
      [seeded.tenantId, seeded.linkTypeId, seeded.objectTypeId, seeded.objectIds[0], b.objectIds[0]],
    );
  await t.rejects(
    withTenant(processor, tenantA, (client) => linkToB(client, a)),
    { code: '23503', constraint: 'links_to_object_fkey' },
    'refused for the processor',
  );
  // As superuser RLS does not apply at all: the composite foreign key alone refuses it.
  await admin.query('BEGIN');
  try {
    await t.rejects(linkToB(admin, a), { code: '23503', constraint: 'links_to_object_fkey' }, 'refused even with RLS bypassed');
  } finally {
    await admin.query('ROLLBACK');
  }
});

t.test('the outbox relay reads every tenant and may only mark records published', async (t) => {
  const asRelay = async <T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T> => {
    await processor.query('BEGIN');
    try {
      await processor.query("SELECT set_config('app.outbox_relay', 'on', true)");
      const result = await fn(processor);
      await processor.query('COMMIT');
      return result;
    } catch (error) {
      await processor.query('ROLLBACK');
      throw error;
    }
  };

  const unpublished = await asRelay((client) =>
    client.query<{ tenant_id: string }>('SELECT tenant_id FROM outbox WHERE published_at IS NULL ORDER BY id'),
  );
  t.same(
    unpublished.rows.map((row) => row.tenant_id).sort(),
    [tenantA, tenantB].sort(),
    "both tenants' records",
  );
  const marked = await asRelay((client) => client.query('UPDATE outbox SET published_at = now()'));
  t.equal(marked.rowCount, 2, 'marks them published');
  await t.rejects(
    asRelay((client) => client.query("UPDATE outbox SET messages = '[]'")),
    PERMISSION_DENIED,
    'cannot rewrite a record',
  );
  await t.rejects(
    asRelay((client) =>
      client.query(
        `INSERT INTO outbox (tenant_id, topic, messages, message_count)
         VALUES ($1, 'l3.ontology.changes.v1', $2, 1)`,
        [tenantA, JSON.stringify([{ key: `${tenantA}:planted`, eventId: randomUUID(), payload: {}, headers: {} }])],
      ),
    ),
    RLS_REFUSED,
    'cannot insert without a tenant',
  );
  const outsideRelay = await withTenant(processor, tenantA, (client) => tenantIdsVisible(client, 'outbox'));
  t.same([...new Set(outsideRelay)], [tenantA], 'without relay mode the processor is back to one tenant');
});
