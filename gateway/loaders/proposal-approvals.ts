// Proposal.approvals as a loader: one statement for every proposal of a page.
import type { GatewayContext } from '../request-scope.ts';
import { approvalsOf, type ApprovalRecord, type ProposalRecord } from '../sql/proposals.ts';

export async function proposalApprovalsLoader(queries: { obj: ProposalRecord }[], context: GatewayContext): Promise<ApprovalRecord[][]> {
  const byProposal = await approvalsOf(context.db, queries.map(({ obj }) => obj.id));
  return queries.map(({ obj }) => byProposal.get(obj.id) ?? []);
}
