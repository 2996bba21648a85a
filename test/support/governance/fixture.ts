// A tenant with the demo ontology (examples/ontology/demo.yaml) and a few objects in a fresh
// database, and a way to run governance commands through the processor's real handlers, each in
// its own transaction as the batch loop does (real Postgres, no Kafka: the Kafka path has its own
// end-to-end tests).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import type { ActionDecision } from '../../../contracts/generated/action-decision.ts';
import type { ActionProposed } from '../../../contracts/generated/action-proposed.ts';
import type { ActionResult } from '../../../contracts/generated/action-result.ts';
import { defaultTopicNames } from '../../../contracts/topics.ts';
import { parseOntology, toTypeDefChanges, validateOntology, type OntologyFile } from '../../../ontology/index.ts';
import { flushOutbox, type GovernanceContext } from '../../../processors/governance/governance-context.ts';
import { handleDecision } from '../../../processors/governance/handle-decision.ts';
import { handleProposal } from '../../../processors/governance/handle-proposal.ts';
import { handleResult } from '../../../processors/governance/handle-result.ts';
import { DEFAULT_POLICY, type GovernancePolicy } from '../../../processors/governance/policy.ts';
import { sweepExpiredProposals } from '../../../processors/governance/expiry-sweep.ts';
import { applyTypeDef } from '../../../processors/materializer/sql/type-definitions.ts';
import { createProcessorMetrics } from '../../../runtime/metrics.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { newTraceparent } from '../../../runtime/trace-context.ts';
import { createTestDatabase } from '../database.ts';

const DEMO = join(import.meta.dirname, '../../../examples/ontology/demo.yaml');

export interface GovernanceFixture {
  readonly tenantId: string;
  readonly admin: pg.Pool;
  readonly pool: pg.Pool;
  /** The clock the handlers see (ms); tests move it forward to expire things. */
  now: number;
  policy: GovernancePolicy;
  propose(overrides: Partial<Omit<ActionProposed, 'parameters'>> & Pick<ActionProposed, 'actionType' | 'targets'> & { parameters: Record<string, unknown> }): Promise<{ proposalId: string; outcome: unknown }>;
  decide(decision: Partial<ActionDecision> & Pick<ActionDecision, 'proposalId' | 'decision' | 'actor'>): Promise<unknown>;
  result(result: Partial<ActionResult> & Pick<ActionResult, 'proposalId' | 'executionId' | 'status' | 'bindingHash'>): Promise<unknown>;
  sweep(): Promise<number>;
  proposal(proposalId: string): Promise<{ state: string; binding_hash: string | null; blast_radius: string | null; execution_id: string | null; state_reason: string | null; simulation: unknown }>;
  object(objectType: string, objectId: string): Promise<{ version: number; properties: Record<string, unknown>; deleted: boolean } | undefined>;
  /** Bumps an object's version as an L2 change would (to make a simulation stale). */
  touch(objectType: string, objectId: string, properties?: Record<string, unknown>): Promise<void>;
  auditRows(): Promise<{ seq: number; prevHash: string; hash: string; eventType: string; event: Record<string, unknown> }[]>;
  outbox(topic: string): Promise<{ key: string; payload: Record<string, unknown> }[]>;
}

export async function createGovernanceFixture(t: Test, options: { objects?: boolean } = {}): Promise<GovernanceFixture> {
  const db = await createTestDatabase(t);
  const tenantId = randomUUID();
  const admin = new pg.Pool({ connectionString: db.admin, max: 3 });
  const pool = new pg.Pool({ connectionString: db.processor, max: 8 });
  // Another test may restart Postgres: a dropped idle connection must not crash this one.
  for (const p of [admin, pool]) p.on('error', () => {});
  t.teardown(async () => {
    await pool.end();
    await admin.end();
  });
  const metrics = createProcessorMetrics('governance-test');
  const logger = createLogger({ name: 'governance-test', level: 'silent' });

  const parsed = parseOntology(readFileSync(DEMO, 'utf8').replace(/id: [0-9a-f-]{36}/, `id: ${tenantId}`));
  const problems = [...parsed.errors, ...validateOntology(parsed.value)];
  if (problems.length > 0) throw new Error(`demo ontology is invalid: ${JSON.stringify(problems)}`);
  const ontology = parsed.value as OntologyFile;
  await inTenant(pool, tenantId, async (tx) => {
    for (const change of toTypeDefChanges(ontology, { actor: 'fixture', occurredAt: Date.now() })) {
      const outcome = await applyTypeDef(tx, change);
      if (outcome.kind === 'rejected') throw new Error(`fixture typedef refused: ${outcome.message}`);
    }
  });
  if (options.objects !== false) await seedObjects(pool, tenantId);

  const fixture: GovernanceFixture = {
    tenantId,
    admin,
    pool,
    now: Date.now(),
    policy: DEFAULT_POLICY,
    async propose(overrides) {
      const proposalId = overrides.proposalId ?? randomUUID();
      const event: ActionProposed = {
        tenantId,
        eventId: randomUUID(),
        proposalId,
        idempotencyKey: overrides.idempotencyKey ?? `key-${proposalId}`,
        actionType: overrides.actionType,
        actionTypeVersion: overrides.actionTypeVersion ?? null,
        parameters: JSON.stringify(overrides.parameters),
        targets: overrides.targets,
        proposedBy: overrides.proposedBy ?? 'agent:planner',
        rationale: overrides.rationale ?? 'test',
        expiresAt: overrides.expiresAt ?? null,
        occurredAt: fixture.now,
      };
      const outcome = await run((context) => handleProposal(context, event));
      return { proposalId, outcome };
    },
    decide(decision) {
      const event: ActionDecision = {
        tenantId,
        eventId: randomUUID(),
        actorRoles: ['approver'],
        bindingHash: null,
        reason: null,
        occurredAt: fixture.now,
        ...decision,
      };
      return run((context) => handleDecision(context, event));
    },
    result(result) {
      const event: ActionResult = { tenantId, eventId: randomUUID(), output: '{}', error: null, executor: 'executor:test', occurredAt: fixture.now, ...result };
      return run((context) => handleResult(context, event));
    },
    sweep() {
      return sweepExpiredProposals({ pool, topics: defaultTopicNames, metrics, logger, policyFor: () => fixture.policy, now: () => fixture.now });
    },
    async proposal(proposalId) {
      const { rows } = await admin.query('SELECT state, binding_hash, blast_radius, execution_id, state_reason, simulation FROM action_proposals WHERE tenant_id = $1 AND proposal_id = $2', [tenantId, proposalId]);
      if (!rows[0]) throw new Error(`no proposal ${proposalId}`);
      return rows[0];
    },
    async object(objectType, objectId) {
      const { rows } = await admin.query<{ version: string; properties: Record<string, unknown>; deleted: boolean }>(
        `SELECT o.version, o.properties, o.deleted_at IS NOT NULL AS deleted FROM objects o JOIN object_types t ON t.tenant_id = o.tenant_id AND t.id = o.object_type_id
         WHERE o.tenant_id = $1 AND t.name = $2 AND o.external_id = $3`,
        [tenantId, objectType, objectId],
      );
      return rows[0] ? { version: Number(rows[0].version), properties: rows[0].properties, deleted: rows[0].deleted } : undefined;
    },
    async touch(objectType, objectId, properties) {
      await admin.query(
        `UPDATE objects o SET version = o.version + 1, source_version = COALESCE(o.source_version, 0) + 1, properties = o.properties || $4::jsonb
         FROM object_types t WHERE t.tenant_id = o.tenant_id AND t.id = o.object_type_id AND o.tenant_id = $1 AND t.name = $2 AND o.external_id = $3`,
        [tenantId, objectType, objectId, JSON.stringify(properties ?? {})],
      );
    },
    async auditRows() {
      const { rows } = await admin.query<{ seq: string; prev_hash: string; hash: string; event_type: string; event: Record<string, unknown> }>(
        'SELECT seq, prev_hash, hash, event_type, event FROM audit_events WHERE tenant_id = $1 ORDER BY seq',
        [tenantId],
      );
      return rows.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, eventType: r.event_type, event: r.event }));
    },
    async outbox(topic) {
      const { rows } = await admin.query<{ key: string; payload: Record<string, unknown> }>('SELECT key, payload FROM outbox_messages WHERE tenant_id = $1 AND topic = $2 ORDER BY outbox_id, position', [tenantId, topic]);
      return rows;
    },
  };

  async function run<T>(step: (context: GovernanceContext) => Promise<T>): Promise<T> {
    return inTenant(pool, tenantId, async (tx) => {
      const context: GovernanceContext = { tx, tenantId, now: fixture.now, policy: fixture.policy, topics: defaultTopicNames, metrics, traceparent: newTraceparent(), outbox: [] };
      const outcome = await step(context);
      await flushOutbox(context);
      return outcome;
    });
  }
  return fixture;
}

async function inTenant<T>(pool: pg.Pool, tenantId: string, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK');
    throw error;
  } finally {
    tx.release();
  }
}

/** Sites s1..s3, pumps p1..p6 (p_i installed at s_((i-1)%3+1)), technicians t1..t2, work order wo1. */
async function seedObjects(pool: pg.Pool, tenantId: string): Promise<void> {
  await inTenant(pool, tenantId, async (tx) => {
    const insert = (type: string, id: string, properties: Record<string, unknown>) =>
      tx.query(
        `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, source_version)
         SELECT $1, id, $3, $4, 1 FROM object_types WHERE tenant_id = $1 AND name = $2`,
        [tenantId, type, id, JSON.stringify(properties)],
      );
    for (let s = 1; s <= 3; s++) await insert('Site', `s${s}`, { name: `Site ${s}`, status: 'operational' });
    for (let p = 1; p <= 6; p++) await insert('Pump', `p${p}`, { serialNumber: `SN-${p}`, status: 'running' });
    for (let i = 1; i <= 2; i++) await insert('Technician', `t${i}`, { name: `Tech ${i}`, email: `t${i}@example.com` });
    await insert('WorkOrder', 'wo1', { title: 'Inspect', kind: 'inspection', priority: 2, status: 'open' });
    for (let p = 1; p <= 6; p++) {
      await tx.query(
        `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, source_version)
         SELECT $1, lt.id, f.object_type_id, f.id, t.object_type_id, t.id, 1
         FROM link_types lt, objects f, objects t, object_types ft, object_types tt
         WHERE lt.tenant_id = $1 AND lt.name = 'installedAt'
           AND ft.tenant_id = $1 AND ft.name = 'Pump' AND f.tenant_id = $1 AND f.object_type_id = ft.id AND f.external_id = $2
           AND tt.tenant_id = $1 AND tt.name = 'Site' AND t.tenant_id = $1 AND t.object_type_id = tt.id AND t.external_id = $3`,
        [tenantId, `p${p}`, `s${((p - 1) % 3) + 1}`],
      );
    }
  });
}
