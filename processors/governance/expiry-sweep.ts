// Proposals expire by the clock, not by a command: a periodic sweep finds open proposals past
// their expiry (across tenants, see migration 0008) and moves each to EXPIRED with its audit and
// lifecycle event, in one transaction per round. Safe with several instances: each proposal is
// locked and its state re-checked before it moves.
import type { Pool } from 'pg';
import type { TopicNames } from '../../contracts/topics.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import { newTraceparent } from '../../runtime/trace-context.ts';
import { flushOutbox, type GovernanceContext } from './governance-context.ts';
import { expireIfDue } from './handle-decision.ts';
import type { GovernancePolicy } from './policy.ts';
import { loadProposalForUpdate } from './sql/proposals.ts';

export interface ExpirySweepOptions {
  readonly pool: Pool;
  readonly topics: TopicNames;
  readonly metrics: ProcessorMetrics;
  readonly logger: Logger;
  readonly policyFor: (tenantId: string) => GovernancePolicy;
  readonly now?: () => number;
  readonly batchSize?: number;
}

/** One round; returns how many proposals expired. */
export async function sweepExpiredProposals(options: ExpirySweepOptions): Promise<number> {
  const now = (options.now ?? Date.now)();
  const client = await options.pool.connect();
  let expired = 0;
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.expiry_sweep', 'on', true)");
    const due = await client.query<{ tenant_id: string; proposal_id: string }>(
      `SELECT tenant_id, proposal_id FROM action_proposals
       WHERE state IN ('PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED') AND expires_at <= $1
       ORDER BY expires_at LIMIT $2`,
      [new Date(now), options.batchSize ?? 200],
    );
    await client.query("SELECT set_config('app.expiry_sweep', 'off', true)");
    for (const row of due.rows) {
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [row.tenant_id]);
      const context: GovernanceContext = {
        tx: client,
        tenantId: row.tenant_id,
        now,
        policy: options.policyFor(row.tenant_id),
        topics: options.topics,
        metrics: options.metrics,
        traceparent: newTraceparent(),
        outbox: [],
      };
      const proposal = await loadProposalForUpdate(client, row.tenant_id, row.proposal_id);
      if (!proposal) continue;
      const after = await expireIfDue(context, proposal);
      if (after.state === 'EXPIRED' && proposal.state !== 'EXPIRED') expired++;
      await flushOutbox(context);
    }
    await client.query('COMMIT');
    return expired;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
