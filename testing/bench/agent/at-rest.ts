// (a) The agent at rest watching 200 expert services: RSS and CPU of one core,
// against a bare Node.js process (the floor any Node program pays) in the same window.
import { spawn } from 'node:child_process';
import { measureUsage } from './proc-usage.js';
import { registerServices } from './seed.js';
import { startBenchAgent, startCluster, waitForExperts } from './cluster.js';

const MB = 1024 * 1024;

export async function benchAtRest(options: { seconds: number; services: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const cluster = await startCluster();
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await registerServices(cluster.nodes, 'prima-api-rest-', options.services);
    const agent = await startBenchAgent(cluster);
    try {
      await waitForExperts(agent, options.services);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const pid = agent.child.pid;
      if (pid === undefined || baseline.pid === undefined) throw new Error('a process has no pid');
      const [used, floor] = await measureUsage([pid, baseline.pid], options.seconds);
      if (used === undefined || floor === undefined) throw new Error('no usage measured');
      print(`(a) agent at rest watching ${options.services} prima-api-* services, ${options.seconds} s window`);
      print(`    agent RSS max ${(used.rssMaxBytes / MB).toFixed(1)} MB (target <= 60 MB); baseline bare node process ${(floor.rssMaxBytes / MB).toFixed(1)} MB; agent/baseline ${(used.rssMaxBytes / floor.rssMaxBytes).toFixed(2)}x`);
      print(`    agent CPU ${used.cpuPercentOfOneCore.toFixed(2)}% of one core (target <= 0.5%); baseline ${floor.cpuPercentOfOneCore.toFixed(2)}%`);
    } finally {
      await agent.stop('SIGTERM');
    }
  } finally {
    baseline.kill('SIGKILL');
    await cluster.stop();
  }
}
