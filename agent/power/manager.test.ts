import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSilentLogger } from '../log.js';
import { isHearthError } from '../errors.js';
import { createFakeCluster, createFakeMonitor, managedJob, portOfListeningFd } from '../../testing/power/fakes.js';
import { createPowerManager, type PowerManager } from './manager.js';
import { openPowerStateStore } from './power-state.js';
import { placeholderId } from './placeholder.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, check: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function setup(t: ExecutionContext, jobs: Array<{ id: string; powerGroup?: string; idle?: string; count?: number }>) {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-power-'));
  const cluster = createFakeCluster();
  const monitor = createFakeMonitor();
  const ports = new Map<string, number>();
  for (const spec of jobs) {
    const port = await freePort();
    ports.set(spec.id, port);
    await cluster.addJob(managedJob(spec.id, { port, idle: spec.idle ?? '1s', ...(spec.powerGroup ? { powerGroup: spec.powerGroup } : {}), ...(spec.count === undefined ? {} : { count: spec.count }) }), { port });
  }
  const open = async (): Promise<PowerManager> => {
    const manager = createPowerManager({
      log: createSilentLogger(),
      nomad: cluster.nomad,
      consul: cluster.consul,
      monitor,
      store: await openPowerStateStore(dir),
      node: { name: 'node-1', address: '127.0.0.1' },
      holdLimitMs: 5000,
      tickMs: 50,
      wakePollMs: 20,
    });
    await manager.start();
    return manager;
  };
  const managers: PowerManager[] = [];
  t.teardown(async () => {
    for (const manager of managers) await manager.stop();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async () => {
    const manager = await open();
    managers.push(manager);
    return manager;
  };
  return { dir, cluster, monitor, ports, start };
}

function request(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (data) => (reply += data.toString()));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

test('an idle service is put to sleep: scaled to 0, held, placeholder registered, state persisted', async (t) => {
  const { cluster, monitor, dir, start } = await setup(t, [{ id: 'chat', count: 2 }]);
  const manager = await start();
  await until('sleep', () => manager.status('chat').state === 'sleeping' && !cluster.isRunning('chat'));
  t.deepEqual(cluster.scaleCalls.at(-1), { jobId: 'chat', group: 'app', count: 0 });
  t.true(monitor.held.has('chat'));
  await until('SYN events once the service is gone', () => monitor.sleeping.has('chat'));
  t.deepEqual(cluster.registrations.get(placeholderId('chat'))?.Meta, { 'hearth-power': 'asleep' });
  const onDisk = JSON.parse(await readFile(join(dir, 'power-state.json'), 'utf8'));
  t.like(onDisk, { version: 1, data: { services: { chat: { state: 'asleep', wakeCount: 2 } } } });
});

test('open connections and moving bytes keep a service awake; check traffic does not', async (t) => {
  const { monitor, start } = await setup(t, [{ id: 'stream' }]);
  const manager = await start();
  monitor.setCounters('stream', { openConnections: 1, checkConnections: 3 });
  await sleep(1500);
  t.is(manager.status('stream').state, 'awake');
  monitor.setCounters('stream', { openConnections: 0 });
  for (let i = 0; i < 10; i += 1) {
    monitor.setCounters('stream', { activityBytes: i * 100 });
    await sleep(150);
  }
  t.is(manager.status('stream').state, 'awake');
  await until('sleep after traffic stops', () => manager.status('stream').state === 'sleeping');
  t.pass();
});

test('a held connection is completed once the service wakes, and the cold start is broken into phases', async (t) => {
  const { cluster, monitor, start } = await setup(t, [{ id: 'chat' }]);
  const manager = await start();
  await until('sleep', () => manager.status('chat').state === 'sleeping');
  const fd = monitor.held.get('chat');
  if (fd === undefined) return t.fail('no hold');
  const reply = request(portOfListeningFd(fd), 'ping');
  monitor.emitSyn('chat');
  t.is(await reply, 'hello:ping');
  t.true(cluster.isRunning('chat'));
  const status = manager.status('chat');
  t.is(status.state, 'awake');
  t.false(monitor.held.has('chat'));
  t.false(cluster.registrations.has(placeholderId('chat')));
  t.deepEqual(Object.keys(status.lastColdStart?.phasesMs ?? {}).sort(), ['allocation_running', 'first_byte', 'healthy', 'scale_requested']);
});

test('members of a power group sleep and wake together', async (t) => {
  const { cluster, monitor, start } = await setup(t, [
    { id: 'llama-server', powerGroup: 'llama' },
    { id: 'llama-rpc', powerGroup: 'llama', idle: '1s' },
  ]);
  const manager = await start();
  monitor.setCounters('llama-rpc', { openConnections: 1 });
  await sleep(1500);
  t.true(cluster.isRunning('llama-server'), 'an active member keeps the whole group awake');
  monitor.setCounters('llama-rpc', { openConnections: 0 });
  await until('group sleep', () => !cluster.isRunning('llama-server') && !cluster.isRunning('llama-rpc'));
  monitor.emitSyn('llama-server');
  await until('group wake', () => manager.status('llama-rpc').state === 'awake' && manager.status('llama-server').state === 'awake');
  t.true(cluster.isRunning('llama-rpc'));
});

test('after a restart a sleeping service is re-armed and still wakes on traffic', async (t) => {
  const { cluster, monitor, start } = await setup(t, [{ id: 'chat', idle: '1h' }]);
  const first = await start();
  await first.sleep('chat');
  await first.stop();
  t.false(monitor.held.has('chat'), 'stop releases the hold it made');
  const second = await start();
  t.is(second.status('chat').state, 'sleeping');
  t.true(monitor.held.has('chat'));
  monitor.emitSyn('chat');
  await until('wake', () => second.status('chat').state === 'awake');
  t.true(cluster.isRunning('chat'));
});

test('a managed job found at 0 with no record is adopted as asleep and wakes to its previous count', async (t) => {
  const { cluster, monitor, start } = await setup(t, [{ id: 'orphan', idle: '1h', count: 3 }]);
  await cluster.nomad.jobs.scale('orphan', { group: 'app', count: 0, message: 'by hand' });
  const manager = await start();
  t.is(manager.status('orphan').state, 'sleeping');
  t.is(manager.status('orphan').wakeCount, 3);
  t.true(monitor.held.has('orphan'));
});

test('set-idle persists a valid timeout and refuses 0, negatives, words and unknown services without changing anything', async (t) => {
  const { dir, start } = await setup(t, [{ id: 'chat', idle: '1h' }]);
  const manager = await start();
  const status = await manager.setIdleTimeout('chat', '10m', 'test');
  t.is(status.idleTimeoutMs, 600_000);
  t.is(status.idleTimeoutSource, 'operator');
  const before = await readFile(join(dir, 'power-state.json'), 'utf8');
  for (const bad of ['0', '-5m', 'forever', '0s']) {
    const err = await t.throwsAsync(manager.setIdleTimeout('chat', bad, 'test'));
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'), err?.message);
  }
  const unknown = await t.throwsAsync(manager.setIdleTimeout('nope', '5m', 'test'));
  t.true(isHearthError(unknown, 'HEARTH_ERR_NOT_FOUND'));
  t.is(await readFile(join(dir, 'power-state.json'), 'utf8'), before);
});

test('a connection held past the hold limit is closed cleanly with a 503 for HTTP', async (t) => {
  const { cluster, monitor, start } = await setup(t, [{ id: 'slow', idle: '1h' }]);
  const manager = await start();
  await manager.sleep('slow');
  // Make the service never come up: nomad scales but the server is never started.
  const original = cluster.nomad.jobs.allocations;
  (cluster.nomad.jobs as { allocations: typeof original }).allocations = async () => [];
  t.teardown(() => {
    (cluster.nomad.jobs as { allocations: typeof original }).allocations = original;
  });
  const fd = monitor.held.get('slow');
  if (fd === undefined) return t.fail('no hold');
  const reply = await request(portOfListeningFd(fd), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.regex(reply, /^HTTP\/1.1 503 Service Unavailable/);
  await until('the failed wake to settle', () => manager.status('slow').state === 'sleeping');
  t.is(manager.status('slow').lastColdStart?.error?.includes('Timed out'), true);
});
