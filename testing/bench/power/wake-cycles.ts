// Wake cycles on the real stack (simulator + eBPF monitor + power manager):
// each cycle puts the service to sleep, then N clients connect at once. For
// each cycle: the first SYN -> scale request time (the manager's cold-start
// phase), every client's time to its response, and any client refused or
// reset. The baseline is the service's own start time: the same fixture,
// started directly, from spawn to its first answer.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoPath } from '../../../agent/util/paths.js';
import { fixtureJob, httpGet, randomServicePort, startPowerAgent, startPowerCluster } from '../../power/harness.js';
import { waitFor } from '../../support/wait-for.js';

export interface WakeCycles {
  readonly cycles: number;
  readonly clients: number;
  readonly startDelayMs: number;
  /** The fixture's own start time (spawn -> first answer), per run. */
  readonly ownStartMs: number[];
  /** First SYN -> scale request, per cycle. */
  readonly synToScaleMs: number[];
  /** First SYN -> healthy, per cycle. */
  readonly synToHealthyMs: number[];
  /** Connect -> full response, per client. */
  readonly clientMs: number[];
  readonly failures: string[];
}

async function measureOwnStart(address: string, startDelayMs: number): Promise<number> {
  const port = randomServicePort();
  const started = performance.now();
  const child = spawn(process.execPath, [repoPath('testing', 'fixtures', 'power-service.mjs')], {
    env: { ...process.env, HOST: address, PORT: String(port), START_DELAY_MS: String(startDelayMs), NAME: 'own-start' },
    stdio: 'ignore',
  });
  try {
    await waitFor('the fixture to answer', () => httpGet(`http://${address}:${port}/`, 1000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
  }
}

async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const reply = await httpGet(url, 60_000);
  if (reply.status !== 200) throw new Error(`status ${reply.status}`);
  return performance.now() - started;
}

export async function measureWakeCycles(options: { cycles: number; clients: number; startDelayMs: number }): Promise<WakeCycles> {
  const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
  const result: WakeCycles = { ...options, ownStartMs: [], synToScaleMs: [], synToHealthyMs: [], clientMs: [], failures: [] };
  for (let i = 0; i < Math.min(5, options.cycles); i += 1) result.ownStartMs.push(await measureOwnStart(address, options.startDelayMs));

  const cluster = await startPowerCluster({ address });
  const port = randomServicePort();
  const url = `http://${address}:${port}/`;
  try {
    await cluster.register(fixtureJob('bench-wake', { port, idle: '1h', startDelayMs: options.startDelayMs }));
    await waitFor('the service to answer', () => httpGet(url, 1000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    const agent = await startPowerAgent(cluster, { interfaces: ['lo'], holdLimitMs: 60_000 });
    try {
      for (let cycle = 0; cycle < options.cycles; cycle += 1) {
        await agent.manager.sleep('bench-wake');
        await sleep(200);
        const outcomes = await Promise.allSettled(Array.from({ length: options.clients }, () => timedGet(url)));
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') result.clientMs.push(outcome.value);
          else result.failures.push(String((outcome.reason as Error).message));
        }
        const phases = agent.manager.status('bench-wake').lastColdStart?.phasesMs;
        if (phases?.scale_requested !== undefined) result.synToScaleMs.push(phases.scale_requested);
        if (phases?.healthy !== undefined) result.synToHealthyMs.push(phases.healthy);
      }
    } finally {
      await agent.stop();
    }
  } finally {
    await cluster.stop();
  }
  return result;
}
