// What a tools/call through /mcp adds over calling the same tool through the
// pipeline in process: the SDK's client over Streamable HTTP to the agent's
// API server (bearer token, a stateless MCP server per request) against
// invoker.invoke() in the same process, both on the non-sensitive test.echo.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createApiServer } from '../../../agent/http-api/server.js';
import { createSilentLogger } from '../../../agent/log.js';
import { mcpRoutes } from '../../../agent/mcp/http-routes.js';
import { createToolInvoker } from '../../../agent/tools/invoke.js';
import { bindTool } from '../../../agent/tools/tool.js';
import { createTestGate } from '../../support/test-gate.js';
import { echoTool } from '../../support/test-tools.js';
import { percentile } from '../agent/stats.js';

const TOKEN = 'bench-token-4d1f';

export async function benchMcpCall(runs: number): Promise<void> {
  const log = createSilentLogger();
  const invoker = createToolInvoker({ tools: [bindTool(echoTool, undefined)], gate: createTestGate({ ttlMs: 1000 }).gate, log });
  const plain = { method: 'POST' as const, path: '/bench/plain', auth: 'token' as const, handler: () => ({ status: 200, json: { ok: true } }) };
  const server = createApiServer({ listen: '127.0.0.1:0', token: TOKEN, log, routes: [...mcpRoutes({ tools: invoker, log, version: 'bench', progressEveryMs: 5000 }), plain] });
  const { port } = await server.start();
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  try {
    const caller = { kind: 'mcp', client: 'bench' } as const;
    const viaMcp: number[] = [];
    const rawRpc: number[] = [];
    const plainHttp: number[] = [];
    const inProcess: number[] = [];
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    };
    const rpc = (i: number) => ({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'test.echo', arguments: { text: `call ${i}` } } });
    for (let i = 0; i < 20; i += 1) {
      await client.callTool({ name: 'test.echo', arguments: { text: 'warm' } });
      await invoker.invoke('test.echo', { text: 'warm' }, { caller });
    }
    for (let i = 0; i < runs; i += 1) {
      let started = performance.now();
      const remote = await client.callTool({ name: 'test.echo', arguments: { text: `call ${i}` } });
      viaMcp.push(performance.now() - started);
      if (remote.isError === true) throw new Error('the MCP call failed');
      started = performance.now();
      await post('/mcp', rpc(i));
      rawRpc.push(performance.now() - started);
      started = performance.now();
      await post('/bench/plain', {});
      plainHttp.push(performance.now() - started);
      started = performance.now();
      await invoker.invoke('test.echo', { text: `call ${i}` }, { caller });
      inProcess.push(performance.now() - started);
    }
    const line = (name: string, values: number[]) => `  ${name.padEnd(42)} p50 ${percentile(values, 50).toFixed(2)} ms  p95 ${percentile(values, 95).toFixed(2)} ms  (${values.length} runs)`;
    const base = percentile(inProcess, 50);
    const added = percentile(viaMcp, 50) - base;
    const addedRaw = percentile(rawRpc, 50) - base;
    process.stdout.write([
      'MCP tools/call of a non-sensitive tool (test.echo) through /mcp (target: adds <= 5 ms at p50); runs interleaved',
      line('SDK client callTool -> /mcp', viaMcp),
      line('raw JSON-RPC POST (fetch) -> /mcp', rawRpc),
      line('plain POST to a token route (HTTP floor)', plainHttp),
      line('baseline: invoker.invoke in process', inProcess),
      `  /mcp with the SDK client adds ${added.toFixed(2)} ms at p50 (target ${added <= 5 ? 'met' : 'NOT met'}); a bare JSON-RPC POST adds ${addedRaw.toFixed(2)} ms, of which ${(percentile(plainHttp, 50) - base).toFixed(2)} ms is the HTTP round trip itself`,
      '',
    ].join('\n'));
  } finally {
    await client.close();
    await server.stop();
  }
}
