// The power manager with the real eBPF traffic monitor on lo (Nomad and Consul
// are stand-ins here; the simulator tests cover them): the sk_lookup hold
// steers a client of a sleeping service to the agent, which completes the
// connection once the service is up.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { createSilentLogger } from '../../agent/log.js';
import { createPowerManager } from '../../agent/power/manager.js';
import { openPowerStateStore } from '../../agent/power/power-state.js';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { createFakeCluster, managedJob } from './fakes.js';
import { startMonitorWhenFree } from './harness.js';
import { waitFor } from '../support/wait-for.js';
import { skipAll } from '../support/skip.js';

const skip = bpfSkipReason();

function exchange(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(text));
    let reply = '';
    socket.on('data', (data) => (reply += data.toString()));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}


if (!skipAll('held connections over the kernel hold', skip)) {
  test.serial('a client of a sleeping service is steered to the agent, held, and answered by the woken service', async (t) => {
    const address = uniqueLoopback();
    const port = randomInt(20_000, 30_000);
    const dir = await mkdtemp(join(tmpdir(), 'hearth-power-kernel-'));
    const cluster = createFakeCluster();
    await cluster.addJob(managedJob('kchat', { port, idle: '1s' }), { port, host: address, startDelayMs: 300 });
    const monitor = await startMonitorWhenFree(['lo'], createSilentLogger());
    const manager = createPowerManager({
      log: createSilentLogger(),
      nomad: cluster.nomad,
      consul: cluster.consul,
      monitor,
      store: await openPowerStateStore(dir),
      node: { name: 'node-1', address },
      holdLimitMs: 20_000,
      tickMs: 100,
      wakePollMs: 20,
    });
    t.teardown(async () => {
      await manager.stop();
      await monitor.stop();
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    });
    await manager.start();
    t.is(await exchange(address, port, 'warm'), 'hello:warm');
    await waitFor('sleep', () => manager.status('kchat').state === 'sleeping' && !cluster.isRunning('kchat'), { timeoutMs: 20_000 });

    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => exchange(address, port, `cold${i}`)));
    t.deepEqual(replies, Array.from({ length: 5 }, (_, i) => `hello:cold${i}`));
    const status = manager.status('kchat');
    t.is(status.state, 'awake');
    t.is(status.lastColdStart?.trigger, 'packet');
    t.true((status.lastColdStart?.phasesMs.first_byte ?? 0) > 0);

    // Awake: connections go straight to the service again.
    t.is(await exchange(address, port, 'direct'), 'hello:direct');
  });
}
