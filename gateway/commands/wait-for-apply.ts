// `wait: true`: after the command was acknowledged by Kafka, poll Postgres until the governance
// processor has applied it, each poll in a fresh short transaction as l3_gateway with the
// caller's tenant set (row-level security), never the request's own (its REPEATABLE READ
// snapshot would never see the change). Past the deadline: TIMEOUT (the command stays on its
// topic and will still be applied).
import type { Pool } from 'pg';
import type { Logger } from '../../runtime/logger.ts';
import { GatewayError } from '../errors.ts';
import { TenantTransaction, type Queryable } from '../tenant-transaction.ts';

const POLL_INTERVAL_MS = 100;

export interface WaitOptions {
  readonly pool: Pool;
  readonly tenantId: string;
  readonly statementTimeoutMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export interface AppliedState {
  readonly state: string | null;
  /** `CODE: reason` of an ACTION_REFUSED audit event the decision caused, if any. */
  readonly refusal: string | null;
}

/** Runs `read` in a fresh read-only tenant transaction. */
export async function readInTenant<T>(options: WaitOptions, read: (db: Queryable) => Promise<T>): Promise<T> {
  const db = new TenantTransaction({ pool: options.pool, tenantId: options.tenantId, statementTimeoutMs: options.statementTimeoutMs, logger: options.logger });
  try {
    const result = await read(db);
    await db.finish('commit');
    return result;
  } catch (error) {
    await db.finish('rollback');
    throw error;
  }
}

async function proposalState(db: Queryable, proposalId: string): Promise<string | null> {
  const { rows } = await db.query<{ state: string }>('SELECT state FROM action_proposals WHERE proposal_id = $1', [proposalId]);
  return rows[0]?.state ?? null;
}

/** The tenant's newest audit seq (0 for an empty chain): a decision's effects come after it. */
export function auditHead(options: WaitOptions): Promise<number> {
  return readInTenant(options, async (db) => {
    const { rows } = await db.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit_events');
    return Number(rows[0]?.seq ?? 0);
  });
}

/** Until the proposal row exists. */
export function waitForProposal(options: WaitOptions, proposalId: string): Promise<AppliedState> {
  return poll(options, `proposal ${proposalId} to be recorded`, () =>
    readInTenant(options, async (db) => {
      const state = await proposalState(db, proposalId);
      return state === null ? undefined : { state, refusal: null };
    }),
  );
}

/**
 * Until an audit event after `afterSeq` about the proposal names `actor`: the processor records an
 * approval (APPROVAL_RECORDED), a transition it caused (ACTION_TRANSITION) or a refusal
 * (ACTION_REFUSED) for every decision it applies.
 */
export function waitForDecision(options: WaitOptions, proposalId: string, actor: string, afterSeq: number): Promise<AppliedState> {
  return poll(options, `the decision on proposal ${proposalId} to be applied`, () =>
    readInTenant(options, async (db) => {
      const { rows } = await db.query<{ event_type: string; event: Record<string, unknown> }>(
        `SELECT event_type, event FROM audit_events
         WHERE seq > $1 AND event->>'proposalId' = $2 AND (event->>'actor' = $3 OR event->>'approver' = $3)
         ORDER BY seq`,
        [afterSeq, proposalId, actor],
      );
      if (rows.length === 0) return undefined;
      const refused = rows.find((row) => row.event_type === 'ACTION_REFUSED');
      const refusal = refused === undefined ? null : `${String(refused.event.code)}: ${String(refused.event.reason)}`;
      return { state: await proposalState(db, proposalId), refusal };
    }),
  );
}

async function poll(options: WaitOptions, what: string, attempt: () => Promise<AppliedState | undefined>): Promise<AppliedState> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() + POLL_INTERVAL_MS > deadline) {
      throw new GatewayError('TIMEOUT', `the command was accepted, but waiting for ${what} took longer than ${options.timeoutMs} ms; it will still be applied`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
