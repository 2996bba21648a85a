// Proposal.history as a loader: the ACTION_TRANSITION audit events of every proposal of a page
// in one statement.
import type { GatewayContext } from '../request-scope.ts';
import { transitionsOf, type ProposalRecord, type TransitionRecord } from '../sql/proposals.ts';

export async function proposalHistoryLoader(queries: { obj: ProposalRecord }[], context: GatewayContext): Promise<TransitionRecord[][]> {
  const byProposal = await transitionsOf(context.db, queries.map(({ obj }) => obj.id));
  return queries.map(({ obj }) => byProposal.get(obj.id) ?? []);
}
