import { createHash, randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';

/** Every table that holds tenant data, i.e. has tenant_id and row-level security. */
export const TENANT_TABLES = [
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
  'pending_links',
] as const;

export type TenantTable = (typeof TENANT_TABLES)[number];

export const GENESIS_HASH = '0'.repeat(64);

export interface SeededTenant {
  readonly tenantId: string;
  readonly objectTypeId: string;
  readonly linkTypeId: string;
  readonly objectIds: readonly [string, string];
  readonly proposalId: string;
  readonly idempotencyKey: string;
  readonly auditHead: { readonly seq: number; readonly hash: string };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Writes one plausible row of every tenant table for `tenantId`, through `client`, which
 * must be in a transaction scoped to that tenant (withTenant) as l3_processor.
 */
export async function seedTenant(client: ClientBase, tenantId: string): Promise<SeededTenant> {
  await client.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenantId, `tenant ${tenantId}`]);

  const objectTypeId = await insertReturningId(
    client,
    "INSERT INTO object_types (tenant_id, name, description) VALUES ($1, 'Customer', 'A paying customer') RETURNING id",
    [tenantId],
  );
  await client.query(
    `INSERT INTO object_properties (tenant_id, object_type_id, name, data_type, required, indexed, sensitive)
     VALUES ($1, $2, 'email', 'string', true, true, true)`,
    [tenantId, objectTypeId],
  );
  const linkTypeId = await insertReturningId(
    client,
    `INSERT INTO link_types (tenant_id, name, from_object_type_id, to_object_type_id, cardinality)
     VALUES ($1, 'referredBy', $2, $2, 'MANY_TO_ONE') RETURNING id`,
    [tenantId, objectTypeId],
  );

  const objects = await client.query<{ id: string }>(
    `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, source_version)
     VALUES ($1, $2, 'customer-1', $3, 1), ($1, $2, 'customer-2', $4, 1)
     RETURNING id`,
    [
      tenantId,
      objectTypeId,
      JSON.stringify({ email: 'one@example.com' }),
      JSON.stringify({ email: 'two@example.com' }),
    ],
  );
  const [first, second] = objects.rows.map((row) => row.id);
  if (first === undefined || second === undefined) throw new Error('expected two objects');
  await client.query(
    `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, source_version)
     VALUES ($1, $2, $3, $4, $3, $5, 1)`,
    [tenantId, linkTypeId, objectTypeId, first, second],
  );

  await client.query(
    `INSERT INTO pending_links (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id, source_version)
     VALUES ($1, $2, $3, 'customer-1', $3, 'customer-not-yet-seen', 1)`,
    [tenantId, linkTypeId, objectTypeId],
  );

  await client.query(
    `INSERT INTO tool_catalog (tenant_id, name, version, parameter_schema, effects, effect_kind, base_risk)
     VALUES ($1, 'customer.update_email', 1, $2, $3, 'ONTOLOGY_EDIT', 'MEDIUM')`,
    [
      tenantId,
      JSON.stringify({ type: 'object', required: ['email'], properties: { email: { type: 'string' } } }),
      JSON.stringify({ targets: [{ objectType: 'Customer' }], effects: [{ kind: 'set_properties', target: 0, properties: { email: '$params.email' } }] }),
    ],
  );
  const idempotencyKey = `seed-${randomUUID()}`;
  const bindingHash = sha256Hex(`binding of ${idempotencyKey}`);
  const proposalId = await insertReturningId(
    client,
    `INSERT INTO action_proposals (tenant_id, idempotency_key, action_type, action_type_version, parameters,
       targets, proposed_by, rationale, state, blast_radius, simulation, binding_hash, expires_at)
     VALUES ($1, $2, 'customer.update_email', 1, $3, $4, 'agent:seed', 'seed data', 'PENDING_APPROVAL', 'MEDIUM',
       $5, $6, now() + interval '1 hour')
     RETURNING proposal_id AS id`,
    [
      tenantId,
      idempotencyKey,
      JSON.stringify({ email: 'new@example.com' }),
      JSON.stringify([{ objectType: 'Customer', objectId: 'customer-1' }]),
      JSON.stringify({ affected: [{ objectType: 'Customer', objectId: 'customer-1', version: 1 }], diff: {} }),
      bindingHash,
    ],
  );
  await client.query(
    `INSERT INTO action_approvals (tenant_id, proposal_id, approver, roles, binding_hash, expires_at)
     VALUES ($1, $2, 'user:approver', $3, $4, now() + interval '1 hour')`,
    [tenantId, proposalId, ['approver'], bindingHash],
  );

  const event = { type: 'TenantSeeded', tenantId };
  const hash = sha256Hex(GENESIS_HASH + JSON.stringify(event));
  await client.query(
    `INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event)
     VALUES ($1, 1, $2, $3, 'TenantSeeded', $4)`,
    [tenantId, GENESIS_HASH, hash, JSON.stringify(event)],
  );
  await client.query(
    `INSERT INTO outbox (tenant_id, topic, messages, message_count)
     VALUES ($1, 'l3.ontology.changes.v1', $2, 1)`,
    [
      tenantId,
      JSON.stringify([
        {
          key: `${tenantId}:${first}`,
          eventId: randomUUID(),
          payload: { entityKind: 'OBJECT', id: first, op: 'UPSERT', version: 1 },
          headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
        },
      ]),
    ],
  );

  return {
    tenantId,
    objectTypeId,
    linkTypeId,
    objectIds: [first, second],
    proposalId,
    idempotencyKey,
    auditHead: { seq: 1, hash },
  };
}

async function insertReturningId(client: ClientBase, text: string, values: unknown[]): Promise<string> {
  const { rows } = await client.query<{ id: string }>(text, values);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`no id returned by: ${text}`);
  return id;
}
