// Migration 0010 (docs/adr/0007): the outbox holds envelopes; records written before it are kept.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import t from 'tap';
import { migrate, MIGRATIONS_DIR } from '../../cli/migrate.ts';
import { envelopesOf, writeOutbox, type OutboxRow } from '../../runtime/outbox/outbox-writer.ts';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';
import pg from 'pg';

const TOPIC = 'l3.ontology.changes.v1';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

t.test('upgrading keeps every record, published or not, in id order', async (t) => {
  const db = await createTestDatabase(t, { migrate: false });
  const names = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  const before = names.indexOf('0010_outbox-envelopes.sql');
  t.ok(before > 0, 'migration 0010 exists');
  await migrate(db.owner, () => {}, { count: before });
  const admin = await connect(t, db.admin);
  const tenantId = randomUUID();
  await admin.query("INSERT INTO tenants (tenant_id, name) VALUES ($1, 'upgrade')", [tenantId]);
  const records = [0, 1, 2].map((i) => ({ key: `${tenantId}:object/Pump/p${i}`, eventId: randomUUID(), payload: { n: i, text: 'quote " and \\ backslash' }, headers: { traceparent: TRACEPARENT } }));
  for (const [i, r] of records.entries()) {
    await admin.query(
      `INSERT INTO outbox (tenant_id, topic, key, event_id, payload, headers, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, TOPIC, r.key, r.eventId, JSON.stringify(r.payload), JSON.stringify(r.headers), i === 0 ? new Date() : null],
    );
  }
  t.same(await migrate(db.owner), names.slice(before).map((n) => n.replace(/\.sql$/, '')), 'the rest applies');

  const { rows } = await admin.query<{ key: string; event_id: string; payload: unknown; headers: unknown; published: boolean; position: string }>(
    'SELECT key, event_id, payload, headers, published_at IS NOT NULL AS published, position FROM outbox_messages ORDER BY outbox_id, position',
  );
  t.same(
    rows.map((r) => ({ key: r.key, eventId: r.event_id, payload: r.payload, headers: r.headers })),
    records,
    'each record is now a one-record envelope with the same key, eventId, payload and headers',
  );
  t.same(rows.map((r) => r.published), [true, false, false], 'what was published stays published; the rest is still to relay');
  const counts = await admin.query<{ message_count: number }>('SELECT message_count FROM outbox ORDER BY id');
  t.same(counts.rows.map((r) => r.message_count), [1, 1, 1]);
});

t.test('the writer stores one envelope per tenant and topic, records in order', async (t) => {
  const db = await createTestDatabase(t);
  const admin = await connect(t, db.admin);
  const tenantId = randomUUID();
  await admin.query("INSERT INTO tenants (tenant_id, name) VALUES ($1, 'writer')", [tenantId]);
  const processor = new pg.Client({ connectionString: db.processor });
  await processor.connect();
  t.teardown(() => processor.end());
  const row = (topic: string, i: number): OutboxRow => ({ tenantId, topic, key: `${tenantId}:e${i}`, eventId: randomUUID(), payload: { i }, headers: { traceparent: TRACEPARENT } });
  const rows = [row(TOPIC, 0), row('l3.audit.events.v1', 1), row(TOPIC, 2), row(TOPIC, 3)];
  await withTenant(processor, tenantId, (tx) => writeOutbox(tx, rows));

  const envelopes = await admin.query<{ topic: string; message_count: number }>('SELECT topic, message_count FROM outbox ORDER BY id');
  t.same(envelopes.rows, [{ topic: TOPIC, message_count: 3 }, { topic: 'l3.audit.events.v1', message_count: 1 }], 'two envelopes, in first-write order');
  const messages = await admin.query<{ event_id: string }>('SELECT event_id FROM outbox_messages ORDER BY outbox_id, position');
  t.same(messages.rows.map((r) => r.event_id), [rows[0], rows[2], rows[3], rows[1]].map((r) => r!.eventId), 'records keep their order within an envelope');

  const other = randomUUID();
  await admin.query("INSERT INTO tenants (tenant_id, name) VALUES ($1, 'other')", [other]);
  await t.rejects(
    withTenant(processor, tenantId, (tx) => writeOutbox(tx, [{ ...row(TOPIC, 9), tenantId: other, key: `${other}:e9` }])),
    { code: '42501' },
    "row-level security refuses an envelope in another tenant's name",
  );
});

t.test("a record keyed outside its tenant is refused before anything is written", async (t) => {
  const tenantId = randomUUID();
  t.throws(
    () => envelopesOf([{ tenantId, topic: TOPIC, key: `${randomUUID()}:object/Pump/p1`, eventId: randomUUID(), payload: {}, headers: {} }]),
    /does not start with its tenant/,
  );
  t.same(envelopesOf([]), []);
});
