// The cluster tools through the registry, the real tool pipeline and the real approvals store, called over MCP:
// a playbook's approval request carries its --check --diff preview, runs once approved and is audited; a call
// nobody approves expires and nothing runs.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { configSchema } from '../../agent/config/schema.js';
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { mcpRoutes } from '../../agent/mcp/http-routes.js';
import { createHands } from '../../agent/tools/hands.js';
import { createToolInvoker } from '../../agent/tools/invoke.js';
import { boundTools } from '../../agent/tools/registry.js';
import { openApprovalStore } from '../../agent/twin/approvals/store.js';

const TOKEN = 'mcp-approvals-token-3b9e';

function hasAnsible(): boolean {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const it = hasAnsible() ? test.serial : test.skip;

async function start(t: import('ava').ExecutionContext, deadline: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mcp-approvals-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'playbooks'));
  writeFileSync(join(dir, 'inventory.ini'), 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  const target = join(dir, 'motd');
  writeFileSync(join(dir, 'playbooks', 'motd.yaml'), `- name: Message of the day is set\n  hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Message is written\n      ansible.builtin.copy:\n        content: "{{ motd }}\\n"\n        dest: ${target}\n        mode: "0644"\n`);
  const config = configSchema().parse({
    state: { dir },
    approvals: { deadline },
    tools: { ansible: { playbookDirs: [join(dir, 'playbooks')], inventory: join(dir, 'inventory.ini') }, codeRunner: { backend: 'bubblewrap' } },
  });
  const log = createSilentLogger();
  const store = await openApprovalStore({ dir, deadlineMs: config.approvals.deadline, log });
  t.teardown(() => store.stop());
  const hands = createHands({ config, log, listExperts: () => [] });
  t.teardown(() => hands.stop());
  const invoker = createToolInvoker({ tools: boundTools({ hands: hands.deps }), gate: store, log });
  const server = createApiServer({ listen: '127.0.0.1:0', token: TOKEN, log, routes: mcpRoutes({ tools: invoker, log, version: 'test', progressEveryMs: 200 }) });
  const { port } = await server.start();
  t.teardown(() => server.stop());
  const client = new Client({ name: 'mcp-approvals-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  t.teardown(() => client.close());
  return { client, store, target };
}

async function pending(store: Awaited<ReturnType<typeof openApprovalStore>>) {
  for (;;) {
    const [first] = store.list('pending');
    if (first !== undefined) return first;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('a playbook over MCP waits for a person who reads its --check --diff preview, then runs and is audited', async (t) => {
  const { client, store, target } = await start(t, '5m');
  const { tools } = await client.listTools();
  t.true(['ssh.run_command', 'code_runner.run_python_code', 'ansible.run_playbook', 'web_browser.goto', 'vision.get_observation'].every((name) => tools.some((tool) => tool.name === name)));
  const progress: string[] = [];
  const call = client.callTool({ name: 'ansible.run_playbook', arguments: { playbook: 'motd.yaml', extraVars: { motd: 'welcome' } } }, CallToolResultSchema, {
    onprogress: (p) => { progress.push(p.message ?? ''); },
    resetTimeoutOnProgress: true,
  });
  const request = await pending(store);
  t.like(request, { tool: 'ansible.run_playbook', status: 'pending', caller: { kind: 'mcp', client: 'http' } });
  t.regex(request.preview ?? '', /--check --diff \(exit code 0\)[\s\S]*\+welcome/);
  t.false(existsSync(target), 'the preview changed nothing');
  while (!progress.some((m) => m.startsWith('waiting for approval'))) await new Promise((r) => setTimeout(r, 50));
  await store.decide(request.id, { decision: 'approve' }, 'operator');
  const result = await call;
  t.false(result.isError);
  t.is(readFileSync(target, 'utf8'), 'welcome\n');
  t.like(store.get(request.id), { status: 'approved', outcome: { ok: true } });
});

it('a sensitive call over MCP that nobody approves expires, and nothing runs', async (t) => {
  const { client, store, target } = await start(t, '1s');
  const result = await client.callTool({ name: 'ansible.run_playbook', arguments: { playbook: 'motd.yaml', extraVars: { motd: 'never' } } }, CallToolResultSchema, { onprogress: () => {}, resetTimeoutOnProgress: true });
  t.true(result.isError);
  t.like(result._meta, { 'hearth/outcome': 'expired' });
  t.false(existsSync(target));
  t.is(store.list('decided')[0]?.status, 'expired');
});
