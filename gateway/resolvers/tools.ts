// The tool catalog. Proposal.tool is a loader (gateway/loaders/proposal-tool.ts).
import type { GatewayContext } from '../request-scope.ts';
import { listTools, type ToolRecord } from '../sql/tools.ts';

export const toolResolvers = {
  Query: {
    tools: (_root: unknown, args: { name?: string | null; allVersions?: boolean | null }, context: GatewayContext): Promise<ToolRecord[]> =>
      listTools(context.db, { name: args.name ?? null, allVersions: args.allVersions === true }),
  },
};
