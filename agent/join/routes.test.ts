import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { createSilentLogger } from '../log.js';
import { configSchema } from '../config/schema.js';
import { createApiServer } from '../http-api/server.js';
import { createJoinModule } from './module.js';

const API_TOKEN = 'routes-test-token';
const MAC = '52:54:00:bb:00:01';
const HOST = 'node-1';

async function startAgent(t: import('ava').ExecutionContext, dir?: string) {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'hjoin-routes-')));
  if (dir === undefined) t.teardown(() => rm(root, { recursive: true, force: true }));
  const inventory = join(root, 'inventory.yaml');
  const record = join(root, 'provisioned.jsonl');
  const config = configSchema().parse({
    state: { dir: join(root, 'state') },
    join: {
      inventory,
      playbook: join(root, 'playbook.yaml'),
      provisioner: [process.execPath, '-e', 'require("node:fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")', record],
      failureLimit: 3,
      // The test's node is this host: provision at once instead of waiting for an sshd.
      sshWait: '0s',
    },
  });
  const module = createJoinModule({ config, log: createSilentLogger() });
  await module.start();
  const server = createApiServer({ listen: '127.0.0.1:0', token: API_TOKEN, log: createSilentLogger(), routes: module.routes });
  const { port } = await server.start();
  t.teardown(async () => {
    await server.stop();
    await module.stop();
  });
  const call = async (method: string, path: string, body?: unknown, token?: string, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as Record<string, unknown>) : text };
  };
  return { root, inventory, record, module, call };
}

test('issuing a token needs the API token; the installer then enrols and completes over HTTP, once', async (t) => {
  const agent = await startAgent(t);
  await writeFile(agent.inventory, 'all:\n  children:\n    worker_nodes:\n      hosts: {}\n');
  t.is((await agent.call('POST', '/api/v1/join/tokens', { hostname: HOST, mac: MAC })).status, 401);
  t.is((await agent.call('GET', '/api/v1/nodes')).status, 401);
  const issued = await agent.call('POST', '/api/v1/join/tokens', { hostname: HOST, mac: MAC, ttl: '2h' }, API_TOKEN);
  t.is(issued.status, 201);
  const token = (issued.body as { token: string }).token;
  t.is((await agent.call('GET', `/api/v1/join/install/${MAC.replaceAll(':', '-')}`)).status, 200);

  const enrolled = await agent.call('POST', '/api/v1/join', { token, hostname: HOST, mac: MAC });
  t.is(enrolled.status, 200);
  const replay = await agent.call('POST', '/api/v1/join', { token, hostname: HOST, mac: MAC });
  t.like(replay, { status: 401, body: { error: { code: 'HEARTH_ERR_JOIN' } } });
  t.is((await agent.call('GET', `/api/v1/join/install/${MAC.replaceAll(':', '-')}`)).status, 404);

  const enrollKey = (enrolled.body as { enrollKey: string }).enrollKey;
  const completed = await agent.call('POST', '/api/v1/join/complete', { enrollKey, hostname: HOST, mac: MAC });
  t.like(completed, { status: 200, body: { status: 'joined' } });
  t.like(await agent.call('POST', '/api/v1/join/complete', { enrollKey, hostname: HOST, mac: MAC }), { status: 401 });
  t.like(parse(await readFile(agent.inventory, 'utf8')).all.children.worker_nodes.hosts[HOST], { hearth_mac: MAC, ansible_host: '127.0.0.1' });
  while (agent.module.service().listNodes()[0]?.provision !== 'succeeded') await sleep(50);
  t.deepEqual(JSON.parse((await readFile(agent.record, 'utf8')).trim()), ['-i', agent.inventory, '--limit', HOST, join(agent.root, 'playbook.yaml')]);
});

test('the join token may come in the X-Hearth-Join-Token header', async (t) => {
  const agent = await startAgent(t);
  const { token } = await agent.module.service().issueToken({ hostname: HOST, mac: MAC }, 'test');
  const enrolled = await agent.call('POST', '/api/v1/join', { hostname: HOST, mac: MAC }, undefined, { 'x-hearth-join-token': token });
  t.is(enrolled.status, 200);
});

test('a bad MAC in a token request is answered 400 with the rule it broke, and nothing is issued', async (t) => {
  const agent = await startAgent(t);
  const answer = await agent.call('POST', '/api/v1/join/tokens', { hostname: HOST, mac: 'zz:54:00:bb:00:01' }, API_TOKEN);
  t.is(answer.status, 400);
  t.like(answer.body, { error: { code: 'HEARTH_ERR_INVALID_INPUT' } });
  t.regex(JSON.stringify(answer.body), /Expected a MAC address such as 52:54:00:12:34:56 for `mac`/);
  t.like(await agent.call('GET', '/api/v1/nodes', undefined, API_TOKEN), { status: 200, body: { nodes: [] } });
});

test('after repeated failures a client is answered 429', async (t) => {
  const agent = await startAgent(t);
  const { token } = await agent.module.service().issueToken({ hostname: HOST, mac: MAC }, 'test');
  for (let i = 0; i < 3; i += 1) {
    t.is((await agent.call('POST', '/api/v1/join', { token: 'ef'.repeat(32), hostname: HOST, mac: MAC })).status, 401);
  }
  t.like(await agent.call('POST', '/api/v1/join', { token, hostname: HOST, mac: MAC }), { status: 429, body: { error: { code: 'HEARTH_ERR_JOIN' } } });
});

test('a token issued just before the agent is killed with SIGKILL is still usable after a restart', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hjoin-kill-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const moduleUrl = pathToFileURL(join(import.meta.dirname, 'module.js')).href;
  const schemaUrl = pathToFileURL(join(import.meta.dirname, '..', 'config', 'schema.js')).href;
  const logUrl = pathToFileURL(join(import.meta.dirname, '..', 'log.js')).href;
  const script = `
    const { createJoinModule } = await import(${JSON.stringify(moduleUrl)});
    const { configSchema } = await import(${JSON.stringify(schemaUrl)});
    const { createSilentLogger } = await import(${JSON.stringify(logUrl)});
    const config = configSchema().parse({ state: { dir: ${JSON.stringify(join(root, 'state'))} } });
    const module = createJoinModule({ config, log: createSilentLogger() });
    await module.start();
    const issued = await module.service().issueToken({ hostname: ${JSON.stringify(HOST)}, mac: ${JSON.stringify(MAC)} }, 'test');
    process.stdout.write(issued.token + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const token = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`the child exited with ${String(code)} before printing a token`)));
  });
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
  const agent = await startAgent(t, root);
  t.like(await agent.call('POST', '/api/v1/join', { token, hostname: HOST, mac: MAC }), { status: 200 });
});
