// The MCP Truth API's tools (ARCHITECTURE §9), in the order tools/list names them.
import type { GatewayLimits } from '../../config.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { describeTypesTool } from './describe-types.ts';
import { getObjectTool } from './get-object.ts';
import { getProposalTool } from './get-proposal.ts';
import { listToolsTool } from './list-tools.ts';
import { proposeActionTool } from './propose-action.ts';
import { searchObjectsTool } from './search-objects.ts';
import { similarObjectsTool } from './similar-objects.ts';
import { traverseTool } from './traverse.ts';

export function truthApiTools(limits: GatewayLimits): readonly ToolDefinition[] {
  return [
    describeTypesTool(),
    searchObjectsTool(limits),
    getObjectTool(),
    traverseTool(),
    similarObjectsTool(),
    listToolsTool(),
    proposeActionTool(),
    getProposalTool(),
    // Each tool's handler takes its own schema's output, so the list is of the general type only
    // by a cast; mcp-server.ts parses the arguments with the same tool's schema before calling it.
  ] as unknown as readonly ToolDefinition[];
}
