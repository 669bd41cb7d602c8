// Monitoring cost: the agent's CPU (this process: power manager + eBPF traffic
// monitor) while it watches N idle services, against the same process doing
// nothing for the same time (the baseline). Nomad and Consul are in-process
// stand-ins that cost nothing while nothing changes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTrafficMonitor } from '../../../agent/bpf/monitor.js';
import { createSilentLogger } from '../../../agent/log.js';
import { createPowerManager } from '../../../agent/power/manager.js';
import { adaptTrafficMonitor } from '../../../agent/power/monitor-adapter.js';
import { openPowerStateStore } from '../../../agent/power/power-state.js';
import { createFakeCluster, managedJob } from '../../power/fakes.js';

export interface MonitorCost {
  readonly services: number;
  readonly seconds: number;
  readonly baselinePercent: number;
  readonly watchingPercent: number;
}

async function cpuPercentOver(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(before);
  const wallUs = Number(process.hrtime.bigint() - started) / 1000;
  return ((used.user + used.system) / wallUs) * 100;
}

export async function measureMonitorCost(options: { services: number; seconds: number; address: string }): Promise<MonitorCost> {
  const baselinePercent = await cpuPercentOver(options.seconds);
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-power-'));
  const cluster = createFakeCluster();
  const base = randomInt(20_000, 40_000);
  for (let i = 0; i < options.services; i += 1) {
    const port = base + i;
    await cluster.addJob(managedJob(`idle-${i}`, { port, idle: '1h' }), { port, host: options.address });
  }
  const monitor = adaptTrafficMonitor(createTrafficMonitor({ interfaces: ['lo'], log: createSilentLogger() }));
  await monitor.start();
  const manager = createPowerManager({
    log: createSilentLogger(),
    nomad: cluster.nomad,
    consul: cluster.consul,
    monitor,
    store: await openPowerStateStore(dir),
    node: { name: 'node-1', address: options.address },
    holdLimitMs: 120_000,
  });
  try {
    await manager.start();
    await sleep(1000);
    const watchingPercent = await cpuPercentOver(options.seconds);
    return { services: options.services, seconds: options.seconds, baselinePercent, watchingPercent };
  } finally {
    await manager.stop();
    await monitor.stop();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  }
}
