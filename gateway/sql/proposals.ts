// Reads of the governance records: `action_proposals`, `action_approvals`, and the
// ACTION_TRANSITION events of `audit_events` that make up a proposal's history (ADR 0005).
import type { Queryable } from '../tenant-transaction.ts';

export interface ProposalRecord {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly actionType: string;
  readonly actionTypeVersion: number;
  readonly parameters: Record<string, unknown>;
  readonly targets: unknown[];
  readonly proposedBy: string;
  readonly rationale: string;
  readonly state: string;
  readonly stateReason: string | null;
  readonly blastRadius: string | null;
  readonly simulation: Record<string, unknown> | null;
  readonly bindingHash: string | null;
  readonly expiresAt: Date | null;
  readonly executionId: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ApprovalRecord {
  readonly approver: string;
  readonly roles: readonly string[];
  readonly bindingHash: string;
  readonly current: boolean;
  readonly reason: string;
  readonly decidedAt: Date;
  readonly expiresAt: Date;
}

export interface TransitionRecord {
  readonly seq: number;
  readonly from: string | null;
  readonly to: string;
  readonly actor: string | null;
  readonly reason: string | null;
  readonly occurredAt: Date;
}

interface ProposalRow {
  proposal_id: string;
  idempotency_key: string;
  action_type: string;
  action_type_version: number;
  parameters: Record<string, unknown>;
  targets: unknown[];
  proposed_by: string;
  rationale: string;
  state: string;
  state_reason: string | null;
  blast_radius: string | null;
  simulation: Record<string, unknown> | null;
  binding_hash: string | null;
  expires_at: Date | null;
  execution_id: string | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

const PROPOSAL_COLUMNS = `p.proposal_id, p.idempotency_key, p.action_type, p.action_type_version, p.parameters, p.targets,
  p.proposed_by, p.rationale, p.state, p.state_reason, p.blast_radius, p.simulation, p.binding_hash, p.expires_at,
  p.execution_id, p.version, p.created_at, p.updated_at`;

// Cursor text of created_at with its microseconds (a Date would lose them).
const CREATED_AT_TEXT = `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface ProposalPageQuery {
  readonly state: string | null;
  /** Position of the last row of the previous page: created_at text and proposal id. */
  readonly after: { readonly createdAt: string; readonly id: string } | null;
  readonly limit: number;
}

/** Proposals newest first (created_at DESC, proposal_id DESC); action_proposals_state_idx serves the state filter. */
export async function proposalPage(db: Queryable, query: ProposalPageQuery): Promise<{ record: ProposalRecord; createdAtText: string }[]> {
  const { rows } = await db.query<ProposalRow & { created_at_text: string }>(
    `SELECT ${PROPOSAL_COLUMNS}, ${CREATED_AT_TEXT} AS created_at_text
     FROM action_proposals p
     WHERE ($1::text IS NULL OR p.state = $1)
       AND ($2::timestamptz IS NULL OR (p.created_at, p.proposal_id) < ($2::timestamptz, $3::uuid))
     ORDER BY p.created_at DESC, p.proposal_id DESC
     LIMIT $4`,
    [query.state, query.after?.createdAt ?? null, query.after?.id ?? null, query.limit],
  );
  return rows.map((row) => ({ record: mapProposalRow(row), createdAtText: row.created_at_text }));
}

export async function proposalById(db: Queryable, id: string): Promise<ProposalRecord | undefined> {
  const { rows } = await db.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM action_proposals p WHERE p.proposal_id = $1`, [id]);
  return rows[0] === undefined ? undefined : mapProposalRow(rows[0]);
}

/** Approvals of each proposal, oldest first. `current`: carries the proposal's binding hash and has not expired (ADR 0005). */
export async function approvalsOf(db: Queryable, proposalIds: readonly string[]): Promise<Map<string, ApprovalRecord[]>> {
  const byProposal = new Map<string, ApprovalRecord[]>(proposalIds.map((id) => [id, []]));
  if (proposalIds.length === 0) return byProposal;
  const { rows } = await db.query<{
    proposal_id: string;
    approver: string;
    roles: string[];
    binding_hash: string;
    current: boolean;
    reason: string;
    decided_at: Date;
    expires_at: Date;
  }>(
    `SELECT a.proposal_id, a.approver, a.roles, a.binding_hash, a.reason, a.decided_at, a.expires_at,
            (a.binding_hash = p.binding_hash AND a.expires_at > now()) AS current
     FROM action_approvals a
     JOIN action_proposals p ON p.tenant_id = a.tenant_id AND p.proposal_id = a.proposal_id
     WHERE a.proposal_id = ANY($1::uuid[])
     ORDER BY a.decided_at, a.approver`,
    [[...new Set(proposalIds)]],
  );
  for (const row of rows) {
    byProposal.get(row.proposal_id)?.push({
      approver: row.approver,
      roles: row.roles,
      bindingHash: row.binding_hash,
      current: row.current,
      reason: row.reason,
      decidedAt: row.decided_at,
      expiresAt: row.expires_at,
    });
  }
  return byProposal;
}

/**
 * The ACTION_TRANSITION audit events of each proposal, in seq order. audit_events has no index
 * on the proposal id inside `event`, so this scans the tenant's transitions (bounded by the
 * statement timeout); an expression index is the fix when chains grow (see gateway/README.md).
 */
export async function transitionsOf(db: Queryable, proposalIds: readonly string[]): Promise<Map<string, TransitionRecord[]>> {
  const byProposal = new Map<string, TransitionRecord[]>(proposalIds.map((id) => [id, []]));
  if (proposalIds.length === 0) return byProposal;
  const { rows } = await db.query<{ seq: string; event: Record<string, unknown>; occurred_at: Date }>(
    `SELECT e.seq, e.event, e.occurred_at
     FROM audit_events e
     WHERE e.event_type = 'ACTION_TRANSITION' AND e.event ->> 'proposalId' = ANY($1::text[])
     ORDER BY e.seq`,
    [[...new Set(proposalIds)]],
  );
  for (const row of rows) {
    const event = row.event;
    byProposal.get(String(event.proposalId))?.push({
      seq: Number(row.seq),
      from: typeof event.from === 'string' ? event.from : null,
      to: String(event.to),
      actor: typeof event.actor === 'string' ? event.actor : null,
      reason: typeof event.reason === 'string' ? event.reason : null,
      occurredAt: row.occurred_at,
    });
  }
  return byProposal;
}

function mapProposalRow(row: ProposalRow): ProposalRecord {
  return {
    id: row.proposal_id,
    idempotencyKey: row.idempotency_key,
    actionType: row.action_type,
    actionTypeVersion: row.action_type_version,
    parameters: row.parameters,
    targets: row.targets,
    proposedBy: row.proposed_by,
    rationale: row.rationale,
    state: row.state,
    stateReason: row.state_reason,
    blastRadius: row.blast_radius,
    simulation: row.simulation,
    bindingHash: row.binding_hash,
    expiresAt: row.expires_at,
    executionId: row.execution_id,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
