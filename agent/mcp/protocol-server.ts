// The MCP server proper (the SDK's low-level Server): tools/list from the
// pipeline's descriptors (each schema from its tool's zod input) and
// tools/call through the pipeline, so an MCP call is validated, approved,
// capped and audited exactly as the twin's. While a sensitive call waits for
// its approval the client gets a progress notification every few seconds
// (when it asked for progress), so it does not hit its request timeout.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import type { ToolCaller } from '../tools/tool.js';
import type { CallEvent, ToolCallPort } from './invoker-port.js';

export interface McpServerDeps {
  readonly tools: ToolCallPort;
  readonly log: Logger;
  readonly version: string;
  /** How often a call waiting for approval reports that it still waits (ms). */
  readonly progressEveryMs: number;
  /** Injected by tests. */
  readonly setInterval?: (fn: () => void, ms: number) => { unref?(): void } | NodeJS.Timeout;
  readonly clearInterval?: (handle: unknown) => void;
}

export function createMcpProtocolServer(deps: McpServerDeps, caller: ToolCaller): Server {
  const every = deps.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms));
  const stop = deps.clearInterval ?? ((handle: unknown) => clearInterval(handle as NodeJS.Timeout));
  const server = new Server({ name: 'hearth', version: deps.version }, { capabilities: { tools: {} } });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await deps.tools.list()).map((tool) => ({
      name: tool.name,
      description: tool.sensitive === false ? tool.description : `${tool.description} (Needs a person's approval${tool.sensitive === 'per-call' ? ' for some calls' : ''}.)`,
      inputSchema: { ...tool.inputSchema, type: 'object' as const },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const token = request.params._meta?.progressToken;
    let progress = 0;
    let waiting: unknown;
    const notify = (message: string) => {
      if (token === undefined) return;
      progress += 1;
      extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch((err: unknown) => {
        deps.log.debug({ err }, 'progress notification not sent');
      });
    };
    const stopWaiting = () => {
      if (waiting !== undefined) stop(waiting);
      waiting = undefined;
    };
    const onEvent = (event: CallEvent) => {
      if (event.type === 'progress') notify(event.message);
      else if (event.type === 'approval-requested') {
        const message = `waiting for approval ${event.approvalId} (until ${event.expiresAt})`;
        notify(message);
        waiting = every(() => notify(message), deps.progressEveryMs);
      } else {
        stopWaiting();
        notify(`approval ${event.approvalId}: ${event.decision}`);
      }
    };
    try {
      const result = await deps.tools.invoke(request.params.name, request.params.arguments ?? {}, { caller, signal: extra.signal, onEvent });
      return {
        content: [{ type: 'text', text: result.modelText }],
        isError: result.isError,
        _meta: { 'hearth/outcome': result.outcome, ...(result.approvalId === undefined ? {} : { 'hearth/approvalId': result.approvalId }) },
      };
    } finally {
      stopWaiting();
    }
  });
  return server;
}
