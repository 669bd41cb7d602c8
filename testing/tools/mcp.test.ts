// The MCP server with the SDK's own client, over Streamable HTTP at /mcp and over stdio (`hearth mcp`).
import test from 'ava';
import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { configSchema } from '../../agent/config/schema.js';
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { mcpRoutes } from '../../agent/mcp/http-routes.js';
import { runPythonCode } from '../../agent/tools/code-runner.js';
import { BWRAP } from '../../agent/tools/sandbox/bubblewrap.js';
import { createToolInvoker } from '../../agent/tools/invoke.js';
import { bindTool } from '../../agent/tools/tool.js';
import { HEARTH_BIN } from '../integration/agent-process.js';
import { createTestGate } from '../support/test-gate.js';
import { echoTool, recordTool } from '../support/test-tools.js';

const TOKEN = 'mcp-test-token-51c2';

async function startAgent(t: import('ava').ExecutionContext, options: { ttlMs?: number } = {}) {
  const runs: string[] = [];
  const gate = createTestGate({ ttlMs: options.ttlMs ?? 30_000 });
  const codeRunner = { config: configSchema().parse({ tools: { codeRunner: { backend: 'bubblewrap' } } }).tools.codeRunner };
  const invoker = createToolInvoker({ tools: [bindTool(echoTool, undefined), bindTool(recordTool, { runs }), bindTool(runPythonCode, codeRunner)], gate: gate.gate, log: createSilentLogger() });
  const server = createApiServer({
    listen: '127.0.0.1:0',
    token: TOKEN,
    log: createSilentLogger(),
    routes: mcpRoutes({ tools: invoker, log: createSilentLogger(), version: 'test', progressEveryMs: 100 }),
  });
  const { port } = await server.start();
  t.teardown(() => server.stop());
  return { url: `http://127.0.0.1:${port}`, gate, runs };
}

async function httpClient(t: import('ava').ExecutionContext, url: string, token = TOKEN): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  t.teardown(() => client.close());
  return client;
}

test('without the bearer token the MCP endpoint refuses the client', async (t) => {
  const agent = await startAgent(t);
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await t.throwsAsync(client.connect(new StreamableHTTPClientTransport(new URL('/mcp', agent.url))), { message: /401|requires `Authorization: Bearer/ });
  await t.throwsAsync(httpClient(t, agent.url, 'wrong-token'), { message: /401|not the agent's API token/ });
});

test('tools/list gives each tool with the JSON schema of its zod input', async (t) => {
  const agent = await startAgent(t);
  const client = await httpClient(t, agent.url);
  const { tools } = await client.listTools();
  t.deepEqual(tools.map((tool) => tool.name), ['test.echo', 'test.record', 'code_runner.run_python_code']);
  const python = tools.find((tool) => tool.name === 'code_runner.run_python_code');
  t.like(python?.inputSchema, { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 100000 } }, additionalProperties: false });
  t.regex(python?.description ?? '', /Needs a person's approval/);
});

test('a non-sensitive tool answers at once, its output fenced as untrusted data', async (t) => {
  const agent = await startAgent(t);
  const client = await httpClient(t, agent.url);
  const result = await client.callTool({ name: 'test.echo', arguments: { text: 'hello' } });
  t.false(result.isError);
  t.regex((result.content as { text: string }[])[0]?.text ?? '', /^<tool-output tool="test.echo" status="ok" trust="untrusted-data">\necho: hello\n<\/tool-output>/);
  t.is(agent.gate.requests.length, 0);
});

test('bad arguments are an error result and nothing runs', async (t) => {
  const agent = await startAgent(t);
  const client = await httpClient(t, agent.url);
  const result = await client.callTool({ name: 'test.record', arguments: { note: 'x'.repeat(5000), extra: '; rm -rf /' } });
  t.true(result.isError);
  t.is(agent.gate.requests.length, 0);
  t.deepEqual(agent.runs, []);
});

const withBwrap = existsSync(BWRAP) ? test : test.skip;

withBwrap('a sensitive call waits for approval, reporting progress, then runs', async (t) => {
  const agent = await startAgent(t);
  const client = await httpClient(t, agent.url);
  const progress: string[] = [];
  const call = client.callTool({ name: 'code_runner.run_python_code', arguments: { code: 'print(6 * 7)' } }, CallToolResultSchema, {
    onprogress: (p) => { progress.push(p.message ?? ''); },
    resetTimeoutOnProgress: true,
    timeout: 2000,
  });
  const request = await agent.gate.nextRequest();
  t.like(request.input, { tool: 'code_runner.run_python_code', args: { code: 'print(6 * 7)' }, caller: { kind: 'mcp', client: 'http' } });
  while (progress.filter((m) => m.startsWith('waiting for approval')).length < 3) await new Promise((r) => setTimeout(r, 50));
  agent.gate.approve(request.id);
  const result = await call;
  t.false(result.isError);
  t.regex((result.content as { text: string }[])[0]?.text ?? '', /stdout:\n42\n/);
  t.true(progress.includes(`approval ${request.id}: approved`));
  t.deepEqual(agent.gate.outcomes.map((o) => o.ok), [true]);
});

test('a sensitive call nobody approves is denied when its approval expires, and nothing runs', async (t) => {
  const agent = await startAgent(t, { ttlMs: 400 });
  const client = await httpClient(t, agent.url);
  const result = await client.callTool({ name: 'test.record', arguments: { note: 'should-not-run' } }, CallToolResultSchema, { onprogress: () => {}, resetTimeoutOnProgress: true });
  t.true(result.isError);
  t.like(result._meta, { 'hearth/outcome': 'expired' });
  t.deepEqual(agent.runs, []);
});

test('a denied call says so and nothing runs', async (t) => {
  const agent = await startAgent(t);
  const client = await httpClient(t, agent.url);
  const call = client.callTool({ name: 'test.record', arguments: { note: 'denied' } });
  agent.gate.deny((await agent.gate.nextRequest()).id, 'not today');
  const result = await call;
  t.true(result.isError);
  t.like(result._meta, { 'hearth/outcome': 'denied' });
  t.deepEqual(agent.runs, []);
});

test('hearth mcp serves the same tools over stdio, relayed to the agent with its token', async (t) => {
  const agent = await startAgent(t);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [HEARTH_BIN(), 'mcp', '--agent', agent.url],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HEARTH_API_TOKEN: TOKEN },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
  await client.connect(transport);
  t.teardown(() => client.close());
  t.deepEqual((await client.listTools()).tools.map((tool) => tool.name), ['test.echo', 'test.record', 'code_runner.run_python_code']);
  const echoed = await client.callTool({ name: 'test.echo', arguments: { text: 'over stdio' } });
  t.regex((echoed.content as { text: string }[])[0]?.text ?? '', /echo: over stdio/);
  const progress: string[] = [];
  const call = client.callTool({ name: 'test.record', arguments: { note: 'stdio' } }, CallToolResultSchema, { onprogress: (p) => { progress.push(p.message ?? ''); } });
  const request = await agent.gate.nextRequest();
  while (!progress.some((m) => m.startsWith('waiting for approval'))) await new Promise((r) => setTimeout(r, 50));
  agent.gate.approve(request.id);
  t.false((await call).isError);
  t.deepEqual(agent.runs, ['stdio']);
});

test('hearth mcp answers the client with an error when the agent cannot be reached', async (t) => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [HEARTH_BIN(), 'mcp', '--agent', 'http://127.0.0.1:9'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HEARTH_API_TOKEN: TOKEN },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
  t.teardown(() => client.close());
  await t.throwsAsync(client.connect(transport), { message: /hearth agent unreachable/ });
});
