import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import t from 'tap';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';
import { seedTenant, sha256Hex } from './seed-tenant.ts';

const CHECK_VIOLATION = '23514';
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

const db = await createTestDatabase(t);
const processor = await connect(t, db.processor);

const tenantA = randomUUID();
const tenantB = randomUUID();
const a = await withTenant(processor, tenantA, (client) => seedTenant(client, tenantA));
await withTenant(processor, tenantB, (client) => seedTenant(client, tenantB));

const asA = <T>(fn: (client: ClientBase) => Promise<T>) => withTenant(processor, tenantA, fn);
const asB = <T>(fn: (client: ClientBase) => Promise<T>) => withTenant(processor, tenantB, fn);

interface ProposalFields {
  idempotencyKey?: string;
  state?: string;
  bindingHash?: string | null;
  actionTypeVersion?: number;
}

// A proposal that breaks no rule unless `fields` says otherwise.
function insertProposal(client: ClientBase, tenantId: string, fields: ProposalFields = {}) {
  const bindingHash = fields.bindingHash === undefined ? sha256Hex(randomUUID()) : fields.bindingHash;
  const simulated = bindingHash !== null;
  return client.query(
    `INSERT INTO action_proposals (tenant_id, idempotency_key, action_type, action_type_version, proposed_by,
       state, blast_radius, simulation, binding_hash, expires_at)
     VALUES ($1, $2, 'customer.update_email', $3, 'agent:test', $4, $5, $6, $7, now() + interval '1 hour')`,
    [
      tenantId,
      fields.idempotencyKey ?? randomUUID(),
      fields.actionTypeVersion ?? 1,
      fields.state ?? 'SIMULATED',
      simulated ? 'LOW' : null,
      simulated ? JSON.stringify({ affected: [], diff: {} }) : null,
      bindingHash,
    ],
  );
}

t.test('a proposal state outside the eleven of the lifecycle is refused', async (t) => {
  await t.rejects(asA((client) => insertProposal(client, tenantA, { state: 'DONE' })), {
    code: CHECK_VIOLATION,
    constraint: 'action_proposals_state_check',
  });
  for (const state of ['PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED',
    'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE']) {
    await asA((client) => insertProposal(client, tenantA, { state }));
  }
  t.pass('every lifecycle state is accepted');
});

t.test('an idempotency key is used once per tenant', async (t) => {
  await t.rejects(asA((client) => insertProposal(client, tenantA, { idempotencyKey: a.idempotencyKey })), {
    code: UNIQUE_VIOLATION,
    constraint: 'action_proposals_idempotency_key_key',
  });
  await asB((client) => insertProposal(client, tenantB, { idempotencyKey: a.idempotencyKey }));
  t.pass('the same key in another tenant is a different proposal');
});

t.test('a proposal must name an action type version of its tenant catalog', async (t) => {
  await t.rejects(asA((client) => insertProposal(client, tenantA, { actionTypeVersion: 2 })), {
    code: FOREIGN_KEY_VIOLATION,
    constraint: 'action_proposals_action_type_fkey',
  });
});

t.test('a proposal cannot await approval or be approved without a simulation and binding hash', async (t) => {
  for (const state of ['SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED', 'STALE']) {
    await t.rejects(
      asA((client) => insertProposal(client, tenantA, { state, bindingHash: null })),
      { code: CHECK_VIOLATION, constraint: 'action_proposals_simulated_state_check' },
      state,
    );
  }
  await asA((client) => insertProposal(client, tenantA, { state: 'PROPOSED', bindingHash: null }));
  t.pass('a fresh proposal has neither');
});

t.test('a binding hash must be 64 lower-case hex digits', async (t) => {
  const good = sha256Hex('x');
  for (const [label, bindingHash] of [
    ['upper case', good.toUpperCase()],
    ['63 digits', good.slice(1)],
    ['not hex', `${good.slice(1)}g`],
  ] as const) {
    await t.rejects(
      asA((client) => insertProposal(client, tenantA, { bindingHash })),
      { code: CHECK_VIOLATION, constraint: 'action_proposals_binding_hash_check' },
      label,
    );
  }
});

t.test('an object is unique per type and external id within a tenant', async (t) => {
  const insertCustomer = (client: ClientBase, tenantId: string, objectTypeId: string) =>
    client.query("INSERT INTO objects (tenant_id, object_type_id, external_id) VALUES ($1, $2, 'customer-1')", [
      tenantId,
      objectTypeId,
    ]);
  await t.rejects(asA((client) => insertCustomer(client, tenantA, a.objectTypeId)), {
    code: UNIQUE_VIOLATION,
    constraint: 'objects_external_id_key',
  });
  await asA(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      "INSERT INTO object_types (tenant_id, name) VALUES ($1, 'Supplier') RETURNING id",
      [tenantA],
    );
    await insertCustomer(client, tenantA, rows[0]?.id ?? '');
  });
  t.pass('the same external id under another type is another object');
});

t.test('a tombstone keeps no embedding', async (t) => {
  const embedding = JSON.stringify(Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)));
  await t.rejects(
    asA((client) =>
      client.query('UPDATE objects SET deleted_at = now(), version = version + 1, embedding = $2 WHERE id = $1', [
        a.objectIds[0],
        embedding,
      ]),
    ),
    { code: CHECK_VIOLATION, constraint: 'objects_tombstone_embedding_check' },
  );
});

t.test('a link joins objects of the types its link type declares', async (t) => {
  await t.rejects(
    asA(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO object_types (tenant_id, name) VALUES ($1, 'Order') RETURNING id",
        [tenantA],
      );
      // referredBy links Customer to Customer; claim the target is an Order. (The reverse of
      // the seeded link, so that only the type rule is broken.)
      await client.query(
        `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [tenantA, a.linkTypeId, a.objectTypeId, a.objectIds[1], rows[0]?.id, a.objectIds[0]],
      );
    }),
    { code: FOREIGN_KEY_VIOLATION, constraint: 'links_link_type_fkey' },
  );
});

t.test('the audit chain has no gaps and each event names its predecessor hash', async (t) => {
  const append = (seq: number, prevHash: string, hash = sha256Hex(`${seq}:${prevHash}`)) =>
    asA((client) =>
      client.query(
        `INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event)
         VALUES ($1, $2, $3, $4, 'Test', '{}')`,
        [tenantA, seq, prevHash, hash],
      ),
    );
  const chain = { code: FOREIGN_KEY_VIOLATION, constraint: 'audit_events_chain_fkey' };
  await t.rejects(append(3, a.auditHead.hash), chain, 'a gap in seq');
  await t.rejects(append(2, sha256Hex('forged')), chain, 'a prev_hash that is not the previous hash');
  await t.rejects(append(2, a.auditHead.hash, 'A'.repeat(64)), {
    code: CHECK_VIOLATION,
    constraint: 'audit_events_hash_check',
  }, 'a hash that is not lower-case hex');
  await t.rejects(
    asB((client) =>
      client.query(
        `INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event)
         VALUES ($1, 1, $2, $2, 'Test', '{}')`,
        [tenantB, sha256Hex('not genesis')],
      ),
    ),
    { code: CHECK_VIOLATION, constraint: 'audit_events_genesis_check' },
    'a first event whose prev_hash is not the genesis value',
  );
  await append(2, a.auditHead.hash);
  t.pass('the next event in order is accepted');
});

t.test('an outbox envelope holds an array of at least one record', async (t) => {
  const envelope = (messages: string, count: number) =>
    asA((client) =>
      client.query(`INSERT INTO outbox (tenant_id, topic, messages, message_count) VALUES ($1, 'l3.ontology.changes.v1', $2, $3)`, [tenantA, messages, count]),
    );
  await t.rejects(envelope('{"key": "x"}', 1), { code: CHECK_VIOLATION, constraint: 'outbox_messages_check' }, 'an object, not an array');
  await t.rejects(envelope('[]', 0), { code: CHECK_VIOLATION, constraint: 'outbox_message_count_check' }, 'an empty envelope');
});
