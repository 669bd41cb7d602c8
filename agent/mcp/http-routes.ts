// MCP's Streamable HTTP transport at /mcp, behind the agent's bearer token
// (the route's auth; a request without it never reaches the SDK). Stateless:
// (no session id generator) each POST gets its own protocol server and transport, closed with the
// response, so nothing is kept between requests. Every MCP-over-HTTP client
// holds the agent's one token and so is one caller, `mcp:http`.
// The SDK (with its JSON schema validator, about 20 MB resident) is loaded at
// the first request to /mcp, not when the agent starts.
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Route, RouteRequest, RouteResponse } from '../http-api/route.js';
import type { McpServerDeps } from './protocol-server.js';

export const MCP_PATH = '/mcp';

/**
 * A request that asks for progress (a progress token in its `_meta`) is answered as an event stream, so
 * notifications can precede the result; any other is answered as plain JSON, which clients parse faster.
 */
function wantsProgress(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => (m as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta?.progressToken !== undefined);
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => { headers[name] = value; });
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  res.flushHeaders();
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  await new Promise<void>((resolve) => {
    body.once('error', () => { res.destroy(); resolve(); });
    res.once('close', () => { body.destroy(); resolve(); });
    body.pipe(res);
  });
}

type McpParts = [typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), typeof import('./protocol-server.js')];

let loading: Promise<McpParts> | undefined;

/** The transport and the protocol server, imported once, at the first request. */
function loadMcpParts(): Promise<McpParts> {
  loading ??= Promise.all([import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), import('./protocol-server.js')]);
  return loading;
}

export function mcpRoutes(deps: McpServerDeps): Route[] {
  const handler = (req: RouteRequest): RouteResponse => ({
    status: 200,
    takeover: async (res) => {
      const [{ WebStandardStreamableHTTPServerTransport }, { createMcpProtocolServer }] = await loadMcpParts();
      const server = createMcpProtocolServer(deps, { kind: 'mcp', client: 'http' });
      const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: !wantsProgress(req.body) });
      res.once('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      // The API server has read and parsed the body; the transport gets it with the headers as a web Request.
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.raw.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) headers.set(name, value.join(', '));
      }
      const request = new Request(new URL(req.raw.url ?? MCP_PATH, 'http://agent.invalid'), { method: req.method, headers, signal: req.signal });
      await writeResponse(res, await transport.handleRequest(request, { parsedBody: req.body }));
    },
  });
  return (['POST', 'GET', 'DELETE'] as const).map((method) => ({ method, path: MCP_PATH, auth: 'token' as const, handler }));
}
