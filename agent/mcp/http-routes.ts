// MCP's Streamable HTTP transport at /mcp, behind the agent's bearer token
// (the route's auth; a request without it never reaches the SDK). Stateless:
// (no session id generator) each POST gets its own protocol server and transport, closed with the
// response, so nothing is kept between requests. Every MCP-over-HTTP client
// holds the agent's one token and so is one caller, `mcp:http`.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Route, RouteRequest, RouteResponse } from '../http-api/route.js';
import { createMcpProtocolServer, type McpServerDeps } from './protocol-server.js';

export const MCP_PATH = '/mcp';

export function mcpRoutes(deps: McpServerDeps): Route[] {
  const handler = (req: RouteRequest): RouteResponse => ({
    status: 200,
    takeover: async (res) => {
      const server = createMcpProtocolServer(deps, { kind: 'mcp', client: 'http' });
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: false });
      res.once('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req.raw, res, req.body);
    },
  });
  return (['POST', 'GET', 'DELETE'] as const).map((method) => ({ method, path: MCP_PATH, auth: 'token' as const, handler }));
}
