// hearth power against a live agent API (the power routes on the real HTTP
// server) whose manager runs on stand-ins for the monitor, Nomad and Consul.
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { createPowerManager } from '../../agent/power/manager.js';
import { openPowerStateStore } from '../../agent/power/power-state.js';
import { createPowerRoutes } from '../../agent/power/routes.js';
import { repoPath } from '../../agent/util/paths.js';
import { createFakeCluster, createFakeMonitor, managedJob } from './fakes.js';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);
const TOKEN = 'power-cli-test-token';


async function startAgent(t: ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-power-cli-'));
  const cluster = createFakeCluster();
  const port = await freePort();
  await cluster.addJob(managedJob('chat', { port, idle: '1h' }), { port });
  const dynamic = managedJob('dyn', { port: await freePort() });
  const group = dynamic.TaskGroups[0];
  if (group) group.Networks = [{ DynamicPorts: [{ Label: 'http' }] }];
  await cluster.addJob(dynamic, { port: await freePort() });
  const manager = createPowerManager({
    log: createSilentLogger(),
    nomad: cluster.nomad,
    consul: cluster.consul,
    monitor: createFakeMonitor(),
    store: await openPowerStateStore(dir),
    node: { name: 'node-1', address: '127.0.0.1' },
    holdLimitMs: 5000,
    wakePollMs: 20,
  });
  await manager.start();
  const api = createApiServer({ listen: '127.0.0.1:0', token: TOKEN, log: createSilentLogger(), routes: createPowerRoutes(manager) });
  const address = await api.start();
  t.teardown(async () => {
    await api.stop();
    await manager.stop();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { url: `http://127.0.0.1:${address.port}`, statePath: join(dir, 'power-state.json'), cluster };
}

async function hearth(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [repoPath('bin', 'hearth.js'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HEARTH_API_TOKEN: TOKEN, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function readState(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '(absent)');
}

test('power status lists managed services and the refused ones with the rule they break', async (t) => {
  const { url } = await startAgent(t);
  const text = await hearth(['power', 'status', '--agent', url]);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^SERVICE\s+STATE/m);
  t.regex(text.stdout, /^chat\s+awake/m);
  t.regex(text.stdout, /refused dyn: .*no static port/);
  const json = await hearth(['power', 'status', '--json', '--agent', url]);
  const overview = JSON.parse(json.stdout) as { services: Array<{ service: string; idleTimeoutMs: number }> };
  t.deepEqual(overview.services.map((s) => [s.service, s.idleTimeoutMs]), [['chat', 3_600_000]]);
});

test('power set-idle persists a valid timeout', async (t) => {
  const { url, statePath } = await startAgent(t);
  const result = await hearth(['power', 'set-idle', 'chat', '10m', '--agent', url]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /10m \(set\)/);
  t.like(JSON.parse(await readState(statePath)), { data: { services: { chat: { idleTimeoutMs: 600_000 } } } });
});

for (const bad of ['0', '-5m', 'forever']) {
  test(`power set-idle with ${bad} exits 1 naming the rule, and nothing changes`, async (t) => {
    const { url, statePath } = await startAgent(t);
    const before = await readState(statePath);
    const result = await hearth(['power', 'set-idle', 'chat', bad, '--agent', url]);
    t.is(result.code, 1);
    t.regex(result.stderr, /Expected a duration from 1s to 168h/);
    t.true(result.stderr.includes(JSON.stringify(bad)), result.stderr);
    t.is(await readState(statePath), before);
  });
}

test('power set-idle on an unknown service exits 1 and nothing changes', async (t) => {
  const { url, statePath } = await startAgent(t);
  const before = await readState(statePath);
  const result = await hearth(['power', 'set-idle', 'nope', '5m', '--agent', url]);
  t.is(result.code, 1);
  t.regex(result.stderr, /No power-managed service named "nope"/);
  t.is(await readState(statePath), before);
});

test('power sleep on a job without a static port exits 1 with the rule it breaks, and it is not scaled', async (t) => {
  const { url, cluster } = await startAgent(t);
  const result = await hearth(['power', 'sleep', 'dyn', '--agent', url]);
  t.is(result.code, 1);
  t.regex(result.stderr, /refuses to manage dyn: .*no static port/);
  t.deepEqual(cluster.scaleCalls, []);
});

test('power sleep and wake drive the service through the agent', async (t) => {
  const { url, cluster } = await startAgent(t);
  const slept = await hearth(['power', 'sleep', 'chat', '--agent', url]);
  t.is(slept.code, 0, slept.stderr);
  t.regex(slept.stdout, /^chat\s+sleeping/m);
  t.false(cluster.isRunning('chat'));
  const woken = await hearth(['power', 'wake', 'chat', '--json', '--agent', url]);
  t.is(woken.code, 0, woken.stderr);
  t.is((JSON.parse(woken.stdout) as { state: string }).state, 'awake');
  t.true(cluster.isRunning('chat'));
});

test('a state-changing command without the token is refused with exit 1', async (t) => {
  const { url } = await startAgent(t);
  const result = await hearth(['power', 'sleep', 'chat', '--agent', url], { HEARTH_API_TOKEN: 'wrong' });
  t.is(result.code, 1);
  t.regex(result.stderr, /HEARTH_ERR_UNAUTHORIZED/);
});

test('an unreachable agent exits 2 naming the address and where it came from', async (t) => {
  const port = await freePort();
  const flag = await hearth(['power', 'status', '--agent', `http://127.0.0.1:${port}`]);
  t.is(flag.code, 2);
  t.true(flag.stderr.includes(`http://127.0.0.1:${port} (--agent)`), flag.stderr);
  const config = await hearth(['power', 'status'], { HEARTH_LISTEN: `127.0.0.1:${port}` });
  t.is(config.code, 2);
  t.true(config.stderr.includes(`http://127.0.0.1:${port} (api.listen from environment HEARTH_LISTEN)`), config.stderr);
});

test('a hold limit out of range exits 1 naming power.holdLimit', async (t) => {
  const result = await hearth(['power', 'status'], { HEARTH_POWER_HOLD_LIMIT: '0s' });
  t.is(result.code, 1);
  t.regex(result.stderr, /power\.holdLimit: expected a duration .* between 1s and 10m, got "0s" \(string\) \(from environment HEARTH_POWER_HOLD_LIMIT\)/);
});
