import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSilentLogger } from '../log.js';
import { configSchema } from '../config/schema.js';
import { createApiServer } from '../http-api/server.js';
import { createJoinModule } from '../join/module.js';
import { repoPath } from '../util/paths.js';
import { agentUrl, formatNodes } from './nodes.js';
import { freePort } from '../../testing/support/free-port.js';

const run = promisify(execFile);
const MAIN = repoPath('dist', 'agent', 'main.js');

test('hearth nodes exits 2 and names the address and where it came from when the agent is unreachable', async (t) => {
  const port = await freePort();
  const err = await t.throwsAsync(run(process.execPath, [MAIN, 'nodes'], { env: { ...process.env, HEARTH_LISTEN: `127.0.0.1:${port}` } }));
  t.is((err as { code?: number } | undefined)?.code, 2);
  const stderr = (err as { stderr?: string } | undefined)?.stderr ?? '';
  t.regex(stderr, new RegExp(`Could not reach the agent at http://127\\.0\\.0\\.1:${port} \\(api\\.listen from environment HEARTH_LISTEN\\)`));
  t.regex(stderr, /HEARTH_ERR_UNREACHABLE/);
});

test('hearth nodes --json lists pending and joined nodes from the local agent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hnodes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = configSchema().parse({ state: { dir }, join: { inventory: join(dir, 'inventory.yaml'), provisioner: ['true'] } });
  const module = createJoinModule({ config, log: createSilentLogger() });
  await module.start();
  const server = createApiServer({ listen: '127.0.0.1:0', token: 'nodes-token', log: createSilentLogger(), routes: module.routes });
  const { port } = await server.start();
  t.teardown(async () => {
    await server.stop();
    await module.stop();
  });
  const service = module.service();
  await service.issueToken({ hostname: 'node-a', mac: '52:54:00:cc:00:01' }, 'test');
  const joined = await service.issueToken({ hostname: 'node-b', mac: '52:54:00:cc:00:02' }, 'test');
  await service.enroll({ token: joined.token, hostname: 'node-b', mac: '52:54:00:cc:00:02', client: '127.0.0.1' });
  const env = { ...process.env, HEARTH_LISTEN: `0.0.0.0:${port}`, HEARTH_API_TOKEN: 'nodes-token' };
  const { stdout } = await run(process.execPath, [MAIN, 'nodes', '--json'], { env });
  const nodes = (JSON.parse(stdout) as { nodes: Array<{ hostname: string; status: string }> }).nodes;
  t.deepEqual(nodes.map((n) => `${n.hostname}:${n.status}`), ['node-a:pending', 'node-b:installing']);
  const table = await run(process.execPath, [MAIN, 'nodes'], { env });
  t.regex(table.stdout, /^HOSTNAME\s+MAC\s+STATUS\s+SINCE\s+DETAIL\n/);
  t.regex(table.stdout, /\nnode-a\s+52:54:00:cc:00:01\s+pending\s+\S+\s+token expires /);
});

test('a wildcard listen address is reached on loopback', (t) => {
  t.is(agentUrl('0.0.0.0:8000'), 'http://127.0.0.1:8000');
  t.is(agentUrl('[::]:8000'), 'http://[::1]:8000');
  t.is(agentUrl('10.0.0.2:9000'), 'http://10.0.0.2:9000');
  t.is(formatNodes([]), 'No pending or joined nodes.\n');
});
