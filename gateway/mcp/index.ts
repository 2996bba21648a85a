// The MCP Truth API (ARCHITECTURE §9), served by the gateway on /mcp (build-server.ts).
export { MCP_PATH, registerMcpRoute, type McpRouteOptions } from './mcp-route.ts';
export { createMcpServer, MCP_SERVER_INFO, toolCatalog, type ToolCatalog } from './mcp-server.ts';
export { ERROR_META_KEY, type ToolErrorMeta } from './tool-result.ts';
export { truthApiTools } from './tools/index.ts';
