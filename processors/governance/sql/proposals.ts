// action_proposals, action_approvals and tool_catalog for one tenant (RLS is set by the caller).
import type { ClientBase } from 'pg';
import type { ActionState } from '../action-states.ts';
import type { BlastRadius } from '../blast-radius.ts';
import type { ObjectRef, Proposal, Simulation, Tool } from '../proposal.ts';

interface ProposalRowDb {
  tenant_id: string;
  proposal_id: string;
  idempotency_key: string;
  action_type: string;
  action_type_version: number;
  parameters: Record<string, unknown>;
  targets: ObjectRef[];
  proposed_by: string;
  rationale: string;
  state: ActionState;
  blast_radius: BlastRadius | null;
  simulation: Simulation | null;
  binding_hash: string | null;
  expires_at: Date | null;
  execution_id: string | null;
  version: string;
}

const COLUMNS = `tenant_id, proposal_id, idempotency_key, action_type, action_type_version, parameters, targets, proposed_by,
  rationale, state, blast_radius, simulation, binding_hash, expires_at, execution_id, version`;

function toProposal(row: ProposalRowDb): Proposal {
  return {
    tenantId: row.tenant_id,
    proposalId: row.proposal_id,
    idempotencyKey: row.idempotency_key,
    actionType: row.action_type,
    actionTypeVersion: row.action_type_version,
    parameters: row.parameters,
    targets: row.targets,
    proposedBy: row.proposed_by,
    rationale: row.rationale,
    state: row.state,
    blastRadius: row.blast_radius,
    simulation: row.simulation,
    bindingHash: row.binding_hash,
    expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    executionId: row.execution_id,
    version: Number(row.version),
  };
}

/** Locks the proposal for the rest of the transaction: decisions on it are serialized. */
export async function loadProposalForUpdate(tx: ClientBase, tenantId: string, proposalId: string): Promise<Proposal | undefined> {
  const { rows } = await tx.query<ProposalRowDb>(`SELECT ${COLUMNS} FROM action_proposals WHERE tenant_id = $1 AND proposal_id = $2 FOR UPDATE`, [tenantId, proposalId]);
  return rows[0] ? toProposal(rows[0]) : undefined;
}

export async function loadTool(tx: ClientBase, tenantId: string, name: string, version: number | null): Promise<Tool | undefined> {
  const { rows } = await tx.query<{ name: string; version: number; parameter_schema: Record<string, unknown>; effects: Tool['effects']; effect_kind: Tool['effectKind']; base_risk: BlastRadius; irreversible: boolean }>(
    `SELECT name, version, parameter_schema, effects, effect_kind, base_risk, irreversible FROM tool_catalog
     WHERE tenant_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3) ORDER BY version DESC LIMIT 1`,
    [tenantId, name, version],
  );
  const row = rows[0];
  return row
    ? { name: row.name, version: row.version, parameterSchema: row.parameter_schema, effects: row.effects, effectKind: row.effect_kind, baseRisk: row.base_risk, irreversible: row.irreversible }
    : undefined;
}

/**
 * Inserts a new proposal in state PROPOSED; returns undefined when its idempotency key (or id)
 * is already known: a retried proposal maps onto the first one.
 */
export async function insertProposal(
  tx: ClientBase,
  proposal: Omit<Proposal, 'state' | 'blastRadius' | 'simulation' | 'bindingHash' | 'executionId' | 'version'>,
  eventId: string,
): Promise<Proposal | undefined> {
  const { rows } = await tx.query<ProposalRowDb>(
    `INSERT INTO action_proposals (tenant_id, proposal_id, idempotency_key, action_type, action_type_version, parameters, targets,
       proposed_by, rationale, state, expires_at, proposal_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PROPOSED', $10, $11)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      proposal.tenantId,
      proposal.proposalId,
      proposal.idempotencyKey,
      proposal.actionType,
      proposal.actionTypeVersion,
      JSON.stringify(proposal.parameters),
      JSON.stringify(proposal.targets),
      proposal.proposedBy,
      proposal.rationale,
      proposal.expiresAt === null ? null : new Date(proposal.expiresAt),
      eventId,
    ],
  );
  return rows[0] ? toProposal(rows[0]) : undefined;
}

export interface ProposalPatch {
  readonly state: ActionState;
  readonly stateReason?: string | null;
  readonly blastRadius?: BlastRadius;
  readonly simulation?: Simulation;
  readonly bindingHash?: string;
  readonly expiresAt?: number;
  readonly executionId?: string;
}

/** Moves the proposal from `from` to patch.state; false when someone else moved it first. */
export async function updateProposal(tx: ClientBase, proposal: Proposal, patch: ProposalPatch): Promise<boolean> {
  const result = await tx.query(
    `UPDATE action_proposals SET state = $3, state_reason = $4,
       blast_radius = COALESCE($5, blast_radius), simulation = COALESCE($6, simulation), binding_hash = COALESCE($7, binding_hash),
       expires_at = COALESCE($8, expires_at), execution_id = COALESCE($9, execution_id),
       version = version + 1, updated_at = now()
     WHERE tenant_id = $1 AND proposal_id = $2 AND state = $10`,
    [
      proposal.tenantId,
      proposal.proposalId,
      patch.state,
      patch.stateReason ?? null,
      patch.blastRadius ?? null,
      patch.simulation ? JSON.stringify(patch.simulation) : null,
      patch.bindingHash ?? null,
      patch.expiresAt === undefined ? null : new Date(patch.expiresAt),
      patch.executionId ?? null,
      proposal.state,
    ],
  );
  return (result.rowCount ?? 0) === 1;
}

export interface ApprovalRow {
  readonly approver: string;
  readonly roles: readonly string[];
  readonly bindingHash: string;
  readonly expiresAt: number;
}

/** Records an approval; the same approver again replaces their earlier one (it counts once). */
export async function upsertApproval(tx: ClientBase, tenantId: string, proposalId: string, approval: ApprovalRow & { reason: string; decidedAt: number }): Promise<void> {
  await tx.query(
    `INSERT INTO action_approvals (tenant_id, proposal_id, approver, roles, binding_hash, reason, decided_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, proposal_id, approver) DO UPDATE SET roles = EXCLUDED.roles, binding_hash = EXCLUDED.binding_hash,
       reason = EXCLUDED.reason, decided_at = EXCLUDED.decided_at, expires_at = EXCLUDED.expires_at`,
    [tenantId, proposalId, approval.approver, [...approval.roles], approval.bindingHash, approval.reason, new Date(approval.decidedAt), new Date(approval.expiresAt)],
  );
}

export async function loadApprovals(tx: ClientBase, tenantId: string, proposalId: string): Promise<ApprovalRow[]> {
  const { rows } = await tx.query<{ approver: string; roles: string[]; binding_hash: string; expires_at: Date }>(
    'SELECT approver, roles, binding_hash, expires_at FROM action_approvals WHERE tenant_id = $1 AND proposal_id = $2',
    [tenantId, proposalId],
  );
  return rows.map((r) => ({ approver: r.approver, roles: r.roles, bindingHash: r.binding_hash, expiresAt: r.expires_at.getTime() }));
}
