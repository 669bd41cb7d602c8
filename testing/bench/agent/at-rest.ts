// (a) The agent at rest watching 200 expert services: RSS and CPU of one core,
// against a bare Node.js process (the floor any Node program pays) in the same window.
import { spawn } from 'node:child_process';
import { measureUsage } from './proc-usage.js';
import { registerServices } from './seed.js';
import { startBenchAgent, startCluster, waitForExperts } from './cluster.js';

const MB = 1024 * 1024;
const SMALL_YOUNG_GEN = '--max-semi-space-size=1';

export async function benchAtRest(options: { seconds: number; services: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const cluster = await startCluster();
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await registerServices(cluster.nodes, 'prima-api-rest-', options.services);
    // Two agents on two nodes, measured in the same window: as started by `hearth agent`, and with a
    // small V8 young generation (NODE_OPTIONS=--max-semi-space-size=1), which trades a little GC for memory.
    const agent = await startBenchAgent(cluster);
    const small = await startBenchAgent(cluster, [SMALL_YOUNG_GEN], 1);
    try {
      await Promise.all([waitForExperts(agent, options.services), waitForExperts(small, options.services)]);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const pids = [agent.child.pid, small.child.pid, baseline.pid];
      if (pids.some((pid) => pid === undefined)) throw new Error('a process has no pid');
      const [used, usedSmall, floor] = await measureUsage(pids as number[], options.seconds);
      if (used === undefined || usedSmall === undefined || floor === undefined) throw new Error('no usage measured');
      const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
      print(`(a) agent at rest watching ${options.services} prima-api-* services, ${options.seconds} s window`);
      print(`    agent RSS max ${mb(used.rssMaxBytes)} (target <= 60 MB); baseline bare node process ${mb(floor.rssMaxBytes)}; agent/baseline ${(used.rssMaxBytes / floor.rssMaxBytes).toFixed(2)}x`);
      print(`    agent CPU ${used.cpuPercentOfOneCore.toFixed(2)}% of one core (target <= 0.5%); baseline ${floor.cpuPercentOfOneCore.toFixed(2)}%`);
      print(`    with ${SMALL_YOUNG_GEN}: RSS max ${mb(usedSmall.rssMaxBytes)}, CPU ${usedSmall.cpuPercentOfOneCore.toFixed(2)}%`);
    } finally {
      await Promise.all([agent.stop('SIGTERM'), small.stop('SIGTERM')]);
    }
  } finally {
    baseline.kill('SIGKILL');
    await cluster.stop();
  }
}
