// The A2A gateway's HTTP face: the agent card (public, it says how to
// authenticate) and the JSON-RPC endpoint behind the agent's bearer token;
// a streaming call is answered as server-sent events. The SDK's request
// handler keeps the tasks (in memory) and drives the executor.
import { A2A_VERSION_HEADER, Extensions, HTTP_EXTENSION_HEADER } from '@a2a-js/sdk';
import {
  DefaultExecutionEventBusManager,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  defaultServerCallContextBuilder,
  validateVersion,
  type AgentExecutor,
} from '@a2a-js/sdk/server';
import type { Route, RouteRequest } from '../http-api/route.js';
import { A2A_PATH, AGENT_CARD_PATH, buildAgentCard } from './agent-card.js';

export interface A2aRouteDeps {
  /**
   * The URL peers reach this agent at (the card names the endpoint under it), given the Host header of the
   * request asking: a configured public URL ignores it; otherwise the card names the address the peer used.
   */
  readonly baseUrl: (host: string | undefined) => string;
  readonly version: string;
  readonly experts: () => readonly { name: string; description?: string }[];
  readonly executor: AgentExecutor;
}

const tokenHolder = { get isAuthenticated() { return true; }, get userName() { return 'api-token'; } };

async function* sse(stream: AsyncGenerator<unknown, void, undefined>, id: unknown): AsyncGenerator<string> {
  try {
    for await (const event of stream) yield `data: ${JSON.stringify(event)}\n\n`;
  } catch (err) {
    yield `event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error: JsonRpcTransportHandler.mapToJSONRPCError(err) })}\n\n`;
  }
}

export function a2aRoutes(deps: A2aRouteDeps): Route[] {
  const card = (req: RouteRequest) => buildAgentCard({ baseUrl: deps.baseUrl(req.raw?.headers.host), version: deps.version, experts: deps.experts() });
  // Tasks and their event buses outlive a request; the handler is made per request so the card it
  // serves (its skills follow discovery) is current.
  const tasks = new InMemoryTaskStore();
  const buses = new DefaultExecutionEventBusManager();

  return [
    { method: 'GET', path: AGENT_CARD_PATH, auth: 'none', handler: (req) => ({ status: 200, json: card(req) }) },
    {
      method: 'POST',
      path: A2A_PATH,
      auth: 'token',
      handler: async (req) => {
        const versionHeader = req.raw.headers[A2A_VERSION_HEADER.toLowerCase()];
        const requestedVersion = typeof versionHeader === 'string' ? versionHeader : undefined;
        const extensionsHeader = req.raw.headers[HTTP_EXTENSION_HEADER.toLowerCase()];
        const context = defaultServerCallContextBuilder({
          extensions: Extensions.parseServiceParameter(typeof extensionsHeader === 'string' ? extensionsHeader : undefined),
          user: tokenHolder,
          headers: req.raw.headers,
          ...(requestedVersion === undefined ? {} : { requestedVersion }),
        });
        const current = card(req);
        const transport = new JsonRpcTransportHandler(new DefaultRequestHandler(current, tasks, deps.executor, buses));
        const id = (req.body as { id?: unknown } | undefined)?.id;
        try {
          validateVersion(context.requestedVersion, current, 'JSONRPC');
        } catch (err) {
          return { status: 200, json: { jsonrpc: '2.0', id: id ?? null, error: JsonRpcTransportHandler.mapToJSONRPCError(err) } };
        }
        const answer = await transport.handle((req.body ?? {}) as Record<string, unknown>, context);
        if (typeof (answer as AsyncGenerator)[Symbol.asyncIterator] === 'function') {
          return { status: 200, contentType: 'text/event-stream', headers: { 'x-accel-buffering': 'no' }, stream: sse(answer as AsyncGenerator<unknown, void, undefined>, id) };
        }
        return { status: 200, json: answer };
      },
    },
  ];
}
