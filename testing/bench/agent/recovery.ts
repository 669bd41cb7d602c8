// (d) How long the agent takes to report ok again after Consul returns from
// a pause, seen through /health polled every 10 ms (target <= 2 s).
import { waitFor } from '../../support/wait-for.js';
import { startBenchAgent, startCluster } from './cluster.js';
import { formatMs, percentile } from './stats.js';

async function healthStatus(url: string): Promise<string | undefined> {
  const response = await fetch(`${url}/health`);
  return ((await response.json()) as { status: string }).status;
}

export async function benchRecovery(options: { trials: number; print: (line: string) => void }): Promise<void> {
  const cluster = await startCluster();
  const agent = await startBenchAgent(cluster);
  const times: number[] = [];
  try {
    for (let trial = 0; trial < options.trials; trial += 1) {
      await waitFor('ok', async () => ((await healthStatus(agent.url)) === 'ok' ? true : undefined), { intervalMs: 10 });
      await cluster.sim.control.pauseConsul();
      await waitFor('degraded', async () => ((await healthStatus(agent.url)) === 'degraded' ? true : undefined), { intervalMs: 10 });
      await cluster.sim.control.resumeConsul({ wipe: trial % 2 === 1 });
      const resumed = performance.now();
      await waitFor('ok again', async () => ((await healthStatus(agent.url)) === 'ok' ? true : undefined), { intervalMs: 10 });
      times.push(performance.now() - resumed);
    }
    options.print(`(d) Consul back (paused; every other trial wiped) -> agent /health ok, ${options.trials} trials (target <= 2 s)`);
    options.print(`    p50 ${formatMs(percentile(times, 50))}  max ${formatMs(Math.max(...times))}`);
  } finally {
    await agent.stop('SIGTERM');
    await cluster.stop();
  }
}
