// `hearth mcp`: MCP over stdio for clients that start a local command. It
// relays every message between stdin/stdout and the agent's /mcp (with the
// API token), so a call made this way meets the same tools, approvals and
// audit as one made over HTTP; nothing runs in this process.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { MCP_PATH } from './http-routes.js';

export interface StdioBridgeOptions {
  readonly agentUrl: string;
  readonly token: string;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  /** One line per relay failure (stderr; stdout carries the protocol). */
  readonly report: (message: string) => void;
}

export interface StdioBridge {
  /** Resolves when stdin ends or the bridge is stopped. */
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

export async function startStdioBridge(options: StdioBridgeOptions): Promise<StdioBridge> {
  const upstream = new StreamableHTTPClientTransport(new URL(MCP_PATH, options.agentUrl), {
    requestInit: { headers: { authorization: `Bearer ${options.token}` } },
  });
  const local = new StdioServerTransport(options.stdin as NodeJS.ReadStream, options.stdout as NodeJS.WriteStream);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => { resolveClosed = resolve; });
  local.onmessage = (message) => {
    upstream.send(message).catch((err: unknown) => {
      options.report(`cannot reach the agent's ${MCP_PATH} at ${options.agentUrl}: ${(err as Error).message}`);
      // The client must still get an answer: a JSON-RPC error for the request that failed.
      if ('id' in message && 'method' in message) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `hearth agent unreachable: ${(err as Error).message}` } });
      }
    });
  };
  upstream.onmessage = (message) => { void local.send(message); };
  upstream.onerror = (err) => options.report(`agent stream: ${err.message}`);
  local.onclose = () => resolveClosed();
  options.stdin.once('end', () => resolveClosed());
  await upstream.start();
  await local.start();
  return {
    closed,
    async stop() {
      await local.close();
      await upstream.close();
      resolveClosed();
    },
  };
}
