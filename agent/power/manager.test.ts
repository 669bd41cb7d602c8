import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HearthError, isHearthError } from '../errors.js';
import { createSilentLogger } from '../log.js';
import { createFakeCluster, createFakeMonitor, managedJob, portOfListeningFd } from '../../testing/power/fakes.js';
import { createFakeClock, type FakeClock } from '../../testing/power/fake-clock.js';
import { createPowerManager, type PowerManager, type ServiceStatus } from './manager.js';
import { openPowerStateStore } from './power-state.js';
import { placeholderId } from './placeholder.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const TICK_MS = 50;

async function setup(t: ExecutionContext, jobs: Array<{ id: string; powerGroup?: string; idle?: string; count?: number; checkType?: 'tcp' | 'script' }>, options: { holdLimitMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-power-'));
  const cluster = createFakeCluster();
  const monitor = createFakeMonitor();
  const clock = createFakeClock();
  const events: ServiceStatus[] = [];
  const failures: Array<{ service: string; action: string }> = [];
  const ports = new Map<string, number>();
  for (const spec of jobs) {
    const port = await freePort();
    ports.set(spec.id, port);
    await cluster.addJob(managedJob(spec.id, { port, idle: spec.idle ?? '1s', ...(spec.powerGroup ? { powerGroup: spec.powerGroup } : {}), ...(spec.count === undefined ? {} : { count: spec.count }), ...(spec.checkType === undefined ? {} : { checkType: spec.checkType }) }), { port });
  }
  const managers: PowerManager[] = [];
  t.teardown(async () => {
    for (const manager of managers) await manager.stop();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (): Promise<PowerManager> => {
    const manager = createPowerManager({
      log: createSilentLogger(),
      nomad: cluster.nomad,
      consul: cluster.consul,
      monitor,
      store: await openPowerStateStore(dir),
      node: { name: 'node-1', address: '127.0.0.1' },
      holdLimitMs: options.holdLimitMs ?? 5000,
      tickMs: TICK_MS,
      wakePollMs: 20,
      stopWaitMs: 1000,
      clock,
      onChange: (status) => events.push(status),
      metrics: { observePhase: () => undefined, countFailure: (service, action) => failures.push({ service, action }) },
    });
    managers.push(manager);
    await manager.start();
    return manager;
  };
  return { dir, cluster, monitor, clock, ports, events, failures, start };
}

/** Awaits `work` while moving the fake clock: whatever it waits on (a poll, a retry) falls due. */
async function settle<T>(clock: FakeClock, what: string, work: Promise<T>): Promise<T> {
  let done = false;
  const watched = work.finally(() => (done = true));
  watched.catch(() => undefined);
  await clock.advanceUntil(what, () => done);
  return await watched;
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

function heldPort(monitor: { held: Map<string, number> }, service: string): number {
  const fd = monitor.held.get(service);
  if (fd === undefined) throw new Error(`${service} is not held`);
  return portOfListeningFd(fd);
}

test('an idle service is put to sleep after exactly its timeout: scaled to 0, held, placeholder registered, state persisted', async (t) => {
  const { cluster, monitor, dir, clock, start } = await setup(t, [{ id: 'chat', count: 2 }]);
  const manager = await start();
  await clock.advance(1000 - TICK_MS);
  t.is(manager.status('chat').state, 'awake', 'one tick before the timeout it is still awake');
  await clock.advanceUntil('sleep', () => manager.status('chat').state === 'sleeping' && !cluster.isRunning('chat'), { limitMs: 3000 });
  t.deepEqual(cluster.scaleCalls.at(-1), { jobId: 'chat', group: 'app', count: 0 });
  t.true(monitor.held.has('chat'));
  await clock.advanceUntil('SYN events once the service is gone', () => monitor.sleeping.has('chat'));
  t.deepEqual(cluster.registrations.get(placeholderId('chat'))?.Meta, { 'hearth-power': 'sleeping' });
  const onDisk = JSON.parse(await readFile(join(dir, 'power-state.json'), 'utf8'));
  t.like(onDisk, { version: 1, data: { services: { chat: { state: 'sleeping', wakeCount: 2 } } } });
});

test('open connections and moving bytes keep a service awake; check traffic does not', async (t) => {
  const { monitor, clock, start } = await setup(t, [{ id: 'stream' }]);
  const manager = await start();
  monitor.setCounters('stream', { openConnections: 1, checkConnections: 3 });
  await clock.advance(10_000);
  t.is(manager.status('stream').state, 'awake', 'an open connection for 10 timeouts');
  monitor.setCounters('stream', { openConnections: 0 });
  for (let i = 1; i <= 20; i += 1) {
    monitor.setCounters('stream', { activityBytes: i * 100 });
    await clock.advance(500);
  }
  t.is(manager.status('stream').state, 'awake', 'bytes moving every half timeout for 10 s');
  // The last change was seen by the tick 50 ms after it was made, 450 ms before the loop ended.
  await clock.advance(1000 - 500 - TICK_MS);
  t.is(manager.status('stream').state, 'awake', 'just under the timeout after the last byte');
  await clock.advanceUntil('sleep after traffic stops', () => manager.status('stream').state === 'sleeping', { limitMs: 2000 });
  t.pass();
});

test('a held connection is completed once the service wakes, and the cold start is broken into phases', async (t) => {
  const { cluster, monitor, clock, events, start } = await setup(t, [{ id: 'chat', idle: '1h' }]);
  const manager = await start();
  await settle(clock, 'the sleep of chat', manager.sleep('chat'));
  const reply = request(heldPort(monitor, 'chat'), 'ping');
  monitor.emitSyn('chat');
  await clock.advanceUntil('wake', () => manager.status('chat').state === 'awake');
  t.is(await reply, 'hello:ping');
  t.true(cluster.isRunning('chat'));
  const status = manager.status('chat');
  t.false(monitor.held.has('chat'));
  t.false(cluster.registrations.has(placeholderId('chat')));
  t.deepEqual(Object.keys(status.lastColdStart?.phasesMs ?? {}).sort(), ['allocation_running', 'first_byte', 'healthy', 'scale_requested']);
  t.deepEqual(
    events.map((event) => event.state),
    ['awake', 'sleeping', 'sleeping', 'waking', 'awake'],
    'each change is published: adopted, put to sleep, SYNs armed, waking, awake',
  );
});

test('members of a power group sleep and wake together', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [
    { id: 'llama-server', powerGroup: 'llama' },
    { id: 'llama-rpc', powerGroup: 'llama', idle: '1s' },
  ]);
  const manager = await start();
  monitor.setCounters('llama-rpc', { openConnections: 1 });
  await clock.advance(5000);
  t.true(cluster.isRunning('llama-server'), 'an active member keeps the whole group awake');
  monitor.setCounters('llama-rpc', { openConnections: 0 });
  await clock.advanceUntil('group sleep', () => !cluster.isRunning('llama-server') && !cluster.isRunning('llama-rpc'));
  monitor.emitSyn('llama-server');
  await clock.advanceUntil('group wake', () => manager.status('llama-rpc').state === 'awake' && manager.status('llama-server').state === 'awake');
  t.true(cluster.isRunning('llama-rpc'));
});

test('after a restart a sleeping service is steered again and still wakes on traffic', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [{ id: 'chat', idle: '1h' }]);
  const first = await start();
  await first.sleep('chat');
  await first.stop();
  t.false(monitor.held.has('chat'), 'stop releases the hold it made');
  const second = await start();
  t.is(second.status('chat').state, 'sleeping');
  t.true(monitor.held.has('chat'));
  monitor.emitSyn('chat');
  await clock.advanceUntil('wake', () => second.status('chat').state === 'awake');
  t.true(cluster.isRunning('chat'));
});

test('state written by an older version ("asleep") is read as sleeping and written back in the current word', async (t) => {
  const { dir, cluster, monitor, start } = await setup(t, [{ id: 'old', idle: '1h' }]);
  await cluster.nomad.jobs.scale('old', { group: 'app', count: 0, message: 'an older agent' });
  await writeFile(join(dir, 'power-state.json'), JSON.stringify({ version: 1, data: { services: { old: { state: 'asleep', wakeCount: 2 } } } }));
  const manager = await start();
  t.is(manager.status('old').state, 'sleeping');
  t.is(manager.status('old').wakeCount, 2);
  t.true(monitor.held.has('old'));
  await manager.setIdleTimeout('old', '2h', 'test');
  const onDisk = JSON.parse(await readFile(join(dir, 'power-state.json'), 'utf8'));
  t.is(onDisk.data.services.old.state, 'sleeping');
});

test('a managed job found at 0 with no record is adopted as sleeping and wakes to its previous count', async (t) => {
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

test('a connection held past the hold limit is closed cleanly with a 503 for HTTP, and the group stays held at 0', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [{ id: 'slow', idle: '1h' }], { holdLimitMs: 1500 });
  const manager = await start();
  await settle(clock, 'the sleep of slow', manager.sleep('slow'));
  // The service never comes up, and Nomad never runs it: the scale is refused.
  cluster.failScale('slow', new HearthError('HEARTH_ERR_UNREACHABLE', 'Cannot reach Nomad (test).'), 1000);
  const reply = request(heldPort(monitor, 'slow'), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await clock.advanceUntil('the failed wake to settle', () => manager.status('slow').lastError !== undefined, { limitMs: 5000 });
  t.regex(await reply, /^HTTP\/1.1 503 Service Unavailable/);
  const status = manager.status('slow');
  t.is(status.state, 'sleeping');
  t.is(status.lastError?.action, 'wake');
  t.true(monitor.held.has('slow'), 'steered again: the next connection retries the wake');
  t.is(manager.status('slow').lastColdStart?.error?.includes('Cannot reach Nomad'), true);
});

test('while a deployment is active, sleep and wake set the count through a job register that keeps the rest of the job', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [{ id: 'dep', idle: '1h', count: 2 }]);
  const manager = await start();
  cluster.setDeploymentActive('dep', true);
  await settle(clock, 'the sleep of dep', manager.sleep('dep'));
  t.is(manager.status('dep').state, 'sleeping');
  t.false(cluster.isRunning('dep'));
  t.deepEqual(cluster.scaleCalls, [], 'the scale endpoint refused');
  t.like(cluster.registerCalls.at(-1), { jobId: 'dep', count: 0 });
  const job = await cluster.nomad.jobs.read('dep');
  t.deepEqual(job.Meta?.['hearth.power'], 'managed', 'the rest of the job is as it was');
  const reply = request(heldPort(monitor, 'dep'), 'hi');
  monitor.emitSyn('dep');
  await clock.advanceUntil('wake', () => manager.status('dep').state === 'awake');
  t.is(await reply, 'hello:hi');
  t.like(cluster.registerCalls.at(-1), { jobId: 'dep', count: 2 });
});

test('a sleep Nomad refuses is undone in reverse: no hold, no placeholder, awake, the error in its status and a metric', async (t) => {
  const { cluster, monitor, clock, failures, start } = await setup(t, [{ id: 'ref', idle: '1h' }]);
  const manager = await start();
  cluster.failScale('ref', new HearthError('HEARTH_ERR_ACL_DENIED', 'nomad POST /v1/job/ref/scale answered 403: Permission denied'));
  const err = await t.throwsAsync(settle(clock, 'the sleep of ref', manager.sleep('ref')));
  t.regex(err?.message ?? '', /Permission denied/);
  const status = manager.status('ref');
  t.is(status.state, 'awake');
  t.like(status.lastError, { action: 'sleep', message: err?.message });
  t.false(monitor.held.has('ref'), 'the steering is released');
  t.false(monitor.sleeping.has('ref'));
  t.false(cluster.registrations.has(placeholderId('ref')), 'the placeholder is gone');
  t.true(cluster.isRunning('ref'));
  t.deepEqual(failures, [{ service: 'ref', action: 'sleep' }]);
  t.is(await request(cluster.portOf('ref'), 'direct'), 'hello:direct', 'the running service is reached directly');
});

test('when one member of a group cannot sleep, the members already at 0 are woken again', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [
    { id: 'g-a', powerGroup: 'g', idle: '1h' },
    { id: 'g-b', powerGroup: 'g', idle: '1h' },
  ]);
  const manager = await start();
  cluster.failScale('g-b', new HearthError('HEARTH_ERR_NOMAD_HTTP', 'nomad answered 400: group count was less than scaling policy minimum: 0 < 1'));
  let settled = false;
  const sleeping = manager.sleep('g-a').finally(() => (settled = true));
  const outcome = t.throwsAsync(sleeping);
  // Until the sleep has settled too: its rollback may still wait on the (fake) clock once both are awake.
  await clock.advanceUntil('both awake again', () => settled && manager.status('g-a').state === 'awake' && manager.status('g-b').state === 'awake' && cluster.isRunning('g-a'));
  await outcome;
  t.true(cluster.isRunning('g-b'));
  t.false(monitor.held.has('g-a'));
  t.false(monitor.held.has('g-b'));
  t.is(manager.status('g-a').lastError?.action, 'sleep');
  t.is(manager.status('g-a').lastColdStart?.trigger, 'rollback');
});

test('a wake retries while Nomad is away (a restart mid-wake) and then serves the held client', async (t) => {
  const { cluster, monitor, clock, start } = await setup(t, [{ id: 'rst', idle: '1h' }]);
  const manager = await start();
  await settle(clock, 'the sleep of rst', manager.sleep('rst'));
  cluster.failScale('rst', new HearthError('HEARTH_ERR_UNREACHABLE', 'Cannot reach Nomad (restarting).'), 3);
  const reply = request(heldPort(monitor, 'rst'), 'again');
  monitor.emitSyn('rst');
  await clock.advanceUntil('wake', () => manager.status('rst').state === 'awake');
  t.is(await reply, 'hello:again');
  t.is(manager.status('rst').lastError, undefined);
});

test('a wake that times out while Nomad runs the service leaves it reachable and awake, with the error shown', async (t) => {
  // A check only Consul runs (hearth runs HTTP and TCP checks itself), which Consul keeps failing.
  const { cluster, monitor, clock, start } = await setup(t, [{ id: 'sick', idle: '1h', checkType: 'script' }], { holdLimitMs: 1000 });
  const manager = await start();
  await settle(clock, 'the sleep of sick', manager.sleep('sick'));
  cluster.setHealthy('sick', false);
  monitor.emitSyn('sick');
  await clock.advanceUntil('the wake to fail', () => manager.status('sick').lastError !== undefined, { limitMs: 5000 });
  const status = manager.status('sick');
  t.is(status.state, 'awake');
  t.like(status.lastError, { action: 'wake' });
  t.false(monitor.held.has('sick'), 'no hold on a service Nomad runs');
  t.false(cluster.registrations.has(placeholderId('sick')));
  t.true(cluster.isRunning('sick'));
});
