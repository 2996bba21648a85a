// Proposal.tool as a loader: the pinned tool versions of every proposal of a page in one statement.
import type { GatewayContext } from '../request-scope.ts';
import type { ProposalRecord } from '../sql/proposals.ts';
import { toolKey, toolsByVersion, type ToolRecord } from '../sql/tools.ts';

export async function proposalToolLoader(queries: { obj: ProposalRecord }[], context: GatewayContext): Promise<(ToolRecord | null)[]> {
  const tools = await toolsByVersion(
    context.db,
    queries.map(({ obj }) => ({ name: obj.actionType, version: obj.actionTypeVersion })),
  );
  return queries.map(({ obj }) => tools.get(toolKey(obj.actionType, obj.actionTypeVersion)) ?? null);
}
