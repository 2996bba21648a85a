// A fresh database seeded for two tenants, as the gateway tests need it: the same type names and
// even the same external ids in both (so a lookup that forgot its tenant would find the other's
// row), objects with every property type, links (live, deleted, to a deleted object), embeddings
// in clusters, tools, proposals with approvals, and hash-chained audit events written with the
// runtime's own appendAuditEvent (so the chains verify).
import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import type { Test } from 'tap';
import { appendAuditEvent } from '../../../runtime/audit/audit-chain.ts';
import type { DatabaseUrls } from '../../../cli/provision-database.ts';
import { connect, createTestDatabase, withTenant } from '../database.ts';
import { mulberry32 } from '../../../runtime/seeded-random.ts';

export const TENANT_A = '0a0a0a0a-0000-4000-8000-00000000000a';
export const TENANT_B = '0b0b0b0b-0000-4000-8000-00000000000b';
export const DIMENSION = 384;

function normalize(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

function randomUnit(random: () => number): number[] {
  return normalize(Array.from({ length: DIMENSION }, () => random() * 2 - 1));
}

// center + s * (unit noise orthogonal to center): cosine distance 1 - 1/sqrt(1 + s^2) from the
// center, so members rank by their spread s.
export function around(random: () => number, center: number[], spread: number): number[] {
  const v = randomUnit(random);
  const dot = v.reduce((sum, x, i) => sum + x * (center[i] ?? 0), 0);
  const noise = normalize(v.map((x, i) => x - dot * (center[i] ?? 0)));
  return normalize(center.map((x, i) => x + spread * (noise[i] ?? 0)));
}

const random = mulberry32(20250101);
/** Cluster centers of tenant A's pumps: p-0..p-9 around PUMP_CENTERS[0], p-10..p-19 around [1]. */
export const PUMP_CENTERS = [randomUnit(random), randomUnit(random)] as const;

export interface Customer {
  readonly externalId: string;
  readonly properties: Record<string, unknown>;
}

/** Tenant A's live customers, as seeded (the deleted one is not among them). */
export const CUSTOMERS_A: readonly Customer[] = Array.from({ length: 30 }, (_, i) => {
  const id = `c-${String(i).padStart(3, '0')}`;
  const properties: Record<string, unknown> = {
    name: `Customer ${i}`,
    tier: ['gold', 'silver', 'bronze'][i % 3],
    visits: (i * 7) % 11,
    active: i % 4 !== 0,
    since: `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
    lastSeen: `2024-03-01T10:${String(i % 60).padStart(2, '0')}:00Z`,
    email: `customer${i}@a.example`,
    tags: i % 5 === 0 ? ['vip', 'north'] : ['north'],
  };
  // Every third customer has no score, to exercise "missing values sort last".
  if (i % 3 !== 2) properties.score = Math.round(((i * 37) % 100) * 1.5) / 10;
  return { externalId: id, properties };
});

export interface SeededTenants {
  readonly db: DatabaseUrls;
  /** Object row ids by tenant and `Type/externalId`. */
  readonly ids: { readonly A: ReadonlyMap<string, string>; readonly B: ReadonlyMap<string, string> };
  readonly proposals: { readonly A: readonly string[]; readonly B: readonly string[] };
  /** The vector tenant B's decoys cluster around (nearer to it than any of A's objects are). */
  readonly decoyCenter: number[];
}

export async function seedTwoTenants(t: Test): Promise<SeededTenants> {
  const db = await createTestDatabase(t);
  const processor = await connect(t, db.processor);
  const idsA = await withTenant(processor, TENANT_A, (tx) => seedTenantA(tx));
  const decoyCenter = PUMP_CENTERS[0].slice();
  const idsB = await withTenant(processor, TENANT_B, (tx) => seedTenantB(tx, decoyCenter));
  const proposalsA = await withTenant(processor, TENANT_A, (tx) => seedGovernance(tx, TENANT_A, 'a'));
  const proposalsB = await withTenant(processor, TENANT_B, (tx) => seedGovernance(tx, TENANT_B, 'b'));
  return { db, ids: { A: idsA, B: idsB }, proposals: { A: proposalsA, B: proposalsB }, decoyCenter };
}

type Ids = Map<string, string>;

async function objectType(tx: ClientBase, tenantId: string, name: string, properties: [string, string, { sensitive?: boolean; required?: boolean }?][]): Promise<string> {
  const { rows } = await tx.query<{ id: string }>('INSERT INTO object_types (tenant_id, name, description) VALUES ($1, $2, $3) RETURNING id', [
    tenantId,
    name,
    `${name} objects`,
  ]);
  const typeId = rows[0]!.id;
  for (const [property, dataType, flags] of properties) {
    await tx.query(
      `INSERT INTO object_properties (tenant_id, object_type_id, name, data_type, required, indexed, sensitive, description)
       VALUES ($1, $2, $3, $4, $5, false, $6, $7)`,
      [tenantId, typeId, property, dataType, flags?.required === true, flags?.sensitive === true, `the ${property}`],
    );
  }
  return typeId;
}

async function linkType(tx: ClientBase, tenantId: string, name: string, from: string, to: string, propertyDefs: unknown[] = []): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO link_types (tenant_id, name, from_object_type_id, to_object_type_id, cardinality, description, property_defs)
     VALUES ($1, $2, $3, $4, 'MANY_TO_MANY', $5, $6) RETURNING id`,
    [tenantId, name, from, to, `${name} links`, JSON.stringify(propertyDefs)],
  );
  return rows[0]!.id;
}

async function object(
  tx: ClientBase,
  ids: Ids,
  tenantId: string,
  typeId: string,
  typeName: string,
  externalId: string,
  properties: Record<string, unknown>,
  options: { embedding?: number[]; deleted?: boolean } = {},
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, embedding, source_version, deleted_at)
     VALUES ($1, $2, $3, $4, $5::vector, 1, $6) RETURNING id`,
    [
      tenantId,
      typeId,
      externalId,
      JSON.stringify(options.deleted ? {} : properties),
      options.embedding === undefined || options.deleted ? null : JSON.stringify(options.embedding),
      options.deleted ? new Date() : null,
    ],
  );
  ids.set(`${typeName}/${externalId}`, rows[0]!.id);
  return rows[0]!.id;
}

async function link(
  tx: ClientBase,
  tenantId: string,
  linkTypeId: string,
  from: { typeId: string; id: string },
  to: { typeId: string; id: string },
  properties: Record<string, unknown> = {},
  deleted = false,
): Promise<void> {
  await tx.query(
    `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, properties, source_version, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)`,
    [tenantId, linkTypeId, from.typeId, from.id, to.typeId, to.id, JSON.stringify(properties), deleted ? new Date() : null],
  );
}

async function seedTenantA(tx: ClientBase): Promise<Ids> {
  const tenant = TENANT_A;
  const ids: Ids = new Map();
  await tx.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenant, 'Tenant A']);
  const customer = await objectType(tx, tenant, 'Customer', [
    ['name', 'string', { required: true }],
    ['tier', 'string'],
    ['score', 'number'],
    ['visits', 'integer'],
    ['active', 'boolean'],
    ['since', 'date'],
    ['lastSeen', 'timestamp'],
    ['email', 'string', { sensitive: true }],
    ['tags', 'string_array'],
  ]);
  const site = await objectType(tx, tenant, 'Site', [
    ['name', 'string'],
    ['status', 'string'],
  ]);
  const pump = await objectType(tx, tenant, 'Pump', [
    ['serial', 'string'],
    ['status', 'string'],
    ['power', 'number'],
  ]);
  const owns = await linkType(tx, tenant, 'owns', customer, site);
  const installedAt = await linkType(tx, tenant, 'installedAt', pump, site, [
    { name: 'position', dataType: 'string', required: false, indexed: false, sensitive: false, description: 'where' },
    { name: 'gateCode', dataType: 'string', required: false, indexed: false, sensitive: true, description: 'access code' },
  ]);
  const feeds = await linkType(tx, tenant, 'feeds', pump, pump);

  for (const c of CUSTOMERS_A) await object(tx, ids, tenant, customer, 'Customer', c.externalId, c.properties);
  await object(tx, ids, tenant, customer, 'Customer', 'c-deleted', {}, { deleted: true });
  for (let i = 0; i < 5; i += 1) await object(tx, ids, tenant, site, 'Site', `s-${i}`, { name: `Site ${i}`, status: i === 4 ? 'shut_down' : 'operating' });
  const r = mulberry32(7);
  for (let i = 0; i < 20; i += 1) {
    const center = PUMP_CENTERS[i < 10 ? 0 : 1];
    await object(tx, ids, tenant, pump, 'Pump', `p-${i}`, { serial: `SN-A-${i}`, status: 'running', power: i * 1.5 }, { embedding: around(r, center, 0.05 * ((i % 10) + 1)) });
  }
  await object(tx, ids, tenant, pump, 'Pump', 'p-deleted', {}, { deleted: true });
  // A hub with 12 outgoing feeds links (fan-out limits).
  await object(tx, ids, tenant, pump, 'Pump', 'p-hub', { serial: 'SN-A-HUB', status: 'running', power: 100 });

  const ref = (typeId: string, key: string) => ({ typeId, id: ids.get(key)! });
  // Customers c-000..c-004 own sites s-0..s-4.
  for (let i = 0; i < 5; i += 1) await link(tx, tenant, owns, ref(customer, `Customer/c-00${i}`), ref(site, `Site/s-${i}`));
  // Pumps p-0..p-9 at sites s-(i % 5), with a sensitive gate code.
  for (let i = 0; i < 10; i += 1) {
    await link(tx, tenant, installedAt, ref(pump, `Pump/p-${i}`), ref(site, `Site/s-${i % 5}`), { position: `bay ${i}`, gateCode: `gate-${i}` });
  }
  // A chain p-0 -> p-1 -> ... -> p-6 (depth limits), one deleted link p-6 -> p-7, and a link to
  // a deleted pump (both invisible).
  for (let i = 0; i < 6; i += 1) await link(tx, tenant, feeds, ref(pump, `Pump/p-${i}`), ref(pump, `Pump/p-${i + 1}`));
  await link(tx, tenant, feeds, ref(pump, 'Pump/p-6'), ref(pump, 'Pump/p-7'), {}, true);
  await link(tx, tenant, feeds, ref(pump, 'Pump/p-1'), ref(pump, 'Pump/p-deleted'));
  for (let i = 8; i < 20; i += 1) await link(tx, tenant, feeds, ref(pump, 'Pump/p-hub'), ref(pump, `Pump/p-${i}`));

  await tool(tx, tenant, 'pump.restart', 1, 'Restart a pump');
  await tool(tx, tenant, 'pump.restart', 2, 'Restart a pump (with a reason)');
  await tool(tx, tenant, 'customer.update_email', 1, 'Change a customer e-mail');
  return ids;
}

async function seedTenantB(tx: ClientBase, decoyCenter: number[]): Promise<Ids> {
  const tenant = TENANT_B;
  const ids: Ids = new Map();
  await tx.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenant, 'Tenant B']);
  const customer = await objectType(tx, tenant, 'Customer', [
    ['name', 'string', { required: true }],
    ['tier', 'string'],
    ['score', 'number'],
    ['email', 'string', { sensitive: true }],
  ]);
  const pump = await objectType(tx, tenant, 'Pump', [
    ['serial', 'string'],
    ['status', 'string'],
  ]);
  const secret = await objectType(tx, tenant, 'SecretProject', [['codename', 'string']]);
  const feeds = await linkType(tx, tenant, 'feeds', pump, pump);
  const funds = await linkType(tx, tenant, 'funds', customer, secret);
  // The same external ids as tenant A's customers, with B's data.
  for (let i = 0; i < 10; i += 1) {
    await object(tx, ids, tenant, customer, 'Customer', `c-${String(i).padStart(3, '0')}`, { name: `B customer ${i}`, tier: 'gold', score: 99, email: `b${i}@b.example` });
  }
  await object(tx, ids, tenant, customer, 'Customer', 'b-only-1', { name: 'Only in B', tier: 'gold', score: 1, email: 'only@b.example' });
  await object(tx, ids, tenant, secret, 'SecretProject', 'x-1', { codename: 'NIGHTJAR' });
  // Decoys: nearer to A's first pump cluster than any of A's pumps.
  const r = mulberry32(11);
  for (let i = 0; i < 20; i += 1) {
    await object(tx, ids, tenant, pump, 'Pump', `p-${i}`, { serial: `SN-B-${i}`, status: 'running' }, { embedding: around(r, decoyCenter, 0.001 * (i + 1)) });
  }
  const ref = (typeId: string, key: string) => ({ typeId, id: ids.get(key)! });
  for (let i = 0; i < 19; i += 1) await link(tx, tenant, feeds, ref(pump, `Pump/p-${i}`), ref(pump, `Pump/p-${i + 1}`));
  await link(tx, tenant, funds, ref(customer, 'Customer/c-000'), ref(secret, 'SecretProject/x-1'));
  await tool(tx, tenant, 'pump.restart', 1, 'B restart');
  await tool(tx, tenant, 'b.secret_tool', 1, 'Only in B');
  return ids;
}

async function tool(tx: ClientBase, tenantId: string, name: string, version: number, description: string): Promise<void> {
  await tx.query(
    `INSERT INTO tool_catalog (tenant_id, name, version, description, parameter_schema, effects, effect_kind, base_risk)
     VALUES ($1, $2, $3, $4, $5, $6, 'ONTOLOGY_EDIT', 'MEDIUM')`,
    [
      tenantId,
      name,
      version,
      description,
      JSON.stringify({ type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 200 } } }),
      JSON.stringify({ targets: [{ objectType: 'Pump' }], effects: [{ kind: 'set_properties', target: 0, properties: { status: 'restarting' } }] }),
    ],
  );
}

const hash = (label: string): string => Buffer.from(label.padEnd(32, '.').slice(0, 32)).toString('hex');

/**
 * Three proposals (PENDING_APPROVAL with one current and one stale approval, EXECUTED, REJECTED)
 * with their ACTION_TRANSITION audit events, plus one unrelated audit event.
 */
async function seedGovernance(tx: ClientBase, tenantId: string, label: string): Promise<string[]> {
  const ids: string[] = [];
  const transitions: [string, string | null, string, string][] = [];
  const specs = [
    { state: 'PENDING_APPROVAL', path: [null, 'PROPOSED', 'SIMULATED', 'PENDING_APPROVAL'] },
    { state: 'EXECUTED', path: [null, 'PROPOSED', 'SIMULATED', 'APPROVED', 'EXECUTING', 'EXECUTED'] },
    { state: 'REJECTED', path: [null, 'PROPOSED', 'REJECTED'] },
  ] as const;
  for (const [index, spec] of specs.entries()) {
    const proposalId = randomUUID();
    ids.push(proposalId);
    const simulated = spec.state !== 'REJECTED';
    const bindingHash = simulated ? hash(`${label}-binding-${index}`) : null;
    await tx.query(
      `INSERT INTO action_proposals (tenant_id, proposal_id, idempotency_key, action_type, action_type_version, parameters, targets,
         proposed_by, rationale, state, state_reason, blast_radius, simulation, binding_hash, expires_at, created_at)
       VALUES ($1, $2, $3, 'pump.restart', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, now() + interval '1 day', now() - make_interval(mins => $13))`,
      [
        tenantId,
        proposalId,
        `${label}-key-${index}`,
        JSON.stringify({ reason: `${label} reason ${index}` }),
        JSON.stringify([{ objectType: 'Pump', objectId: 'p-1' }]),
        `agent:${label}`,
        `${label} rationale ${index}`,
        spec.state,
        spec.state === 'REJECTED' ? 'invalid parameters' : null,
        simulated ? 'MEDIUM' : null,
        simulated ? JSON.stringify({ affected: [{ objectType: 'Pump', objectId: 'p-1', version: 1 }], diff: {} }) : null,
        bindingHash,
        10 - index,
      ],
    );
    if (spec.state === 'PENDING_APPROVAL') {
      await tx.query(
        `INSERT INTO action_approvals (tenant_id, proposal_id, approver, roles, binding_hash, reason, decided_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'looks fine', now() - interval '2 minutes', now() + interval '1 day'),
                ($1, $2, $6, $4, $7, 'old hash', now() - interval '1 minute', now() + interval '1 day')`,
        [tenantId, proposalId, `user:${label}-approver-1`, ['approver'], bindingHash, `user:${label}-approver-2`, hash(`${label}-old-binding`)],
      );
    }
    for (let step = 1; step < spec.path.length; step += 1) transitions.push([proposalId, spec.path[step - 1] ?? null, spec.path[step]!, `actor:${label}-${step}`]);
  }
  await appendAuditEvent(tx, { tenantId, eventType: 'TENANT_SEEDED', event: { tenantId, label } });
  for (const [proposalId, from, to, actor] of transitions) {
    await appendAuditEvent(tx, { tenantId, eventType: 'ACTION_TRANSITION', event: { proposalId, actionType: 'pump.restart', from, to, actor, reason: `${from ?? 'new'} to ${to}` } });
  }
  return ids;
}
