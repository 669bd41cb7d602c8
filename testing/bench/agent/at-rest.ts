// (a) The agent at rest watching 200 expert services: RSS and CPU of one core,
// against a bare Node.js process (the floor any Node program pays) in the same window.
// The agent runs as `hearth agent` starts it (node bin/hearth.js agent), and, in
// the same window on other nodes, with V8 flags that trade speed for memory, so
// their effect on the very same build can be read next to it.
import { spawn } from 'node:child_process';
import { measureUsage } from './proc-usage.js';
import { registerServices } from './seed.js';
import { startBenchAgent, startCluster, waitForExperts } from './cluster.js';

const MB = 1024 * 1024;
/** A small V8 young generation: a little more GC for less memory. */
const SMALL_YOUNG_GEN = ['--max-semi-space-size=1'];
/** The same with JavaScript left to the interpreter: the compilers' code and output are never paged in. */
const INTERPRETER_ONLY = ['--max-semi-space-size=1', '--no-opt', '--no-maglev', '--no-sparkplug'];

export async function benchAtRest(options: { seconds: number; services: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const cluster = await startCluster();
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await registerServices(cluster.nodes, 'prima-api-rest-', options.services);
    const agent = await startBenchAgent(cluster);
    const variants = [
      { flags: SMALL_YOUNG_GEN, agent: await startBenchAgent(cluster, SMALL_YOUNG_GEN, 1) },
      { flags: INTERPRETER_ONLY, agent: await startBenchAgent(cluster, INTERPRETER_ONLY, 2) },
    ];
    try {
      await Promise.all([agent, ...variants.map((v) => v.agent)].map((a) => waitForExperts(a, options.services)));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const pids = [agent.child.pid, baseline.pid, ...variants.map((v) => v.agent.child.pid)];
      if (pids.some((pid) => pid === undefined)) throw new Error('a process has no pid');
      const [used, floor, ...usedVariants] = await measureUsage(pids as number[], options.seconds);
      if (used === undefined || floor === undefined) throw new Error('no usage measured');
      const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
      print(`(a) agent at rest watching ${options.services} prima-api-* services, ${options.seconds} s window`);
      print(`    agent RSS max ${mb(used.rssMaxBytes)} (target <= 60 MB); baseline bare node process ${mb(floor.rssMaxBytes)}; agent/baseline ${(used.rssMaxBytes / floor.rssMaxBytes).toFixed(2)}x`);
      print(`    agent CPU ${used.cpuPercentOfOneCore.toFixed(2)}% of one core (target <= 0.5%); baseline ${floor.cpuPercentOfOneCore.toFixed(2)}%`);
      variants.forEach((variant, i) => {
        const usage = usedVariants[i];
        if (usage === undefined) throw new Error('no usage measured');
        print(`    with ${variant.flags.join(' ')}: RSS max ${mb(usage.rssMaxBytes)}, CPU ${usage.cpuPercentOfOneCore.toFixed(2)}%`);
      });
    } finally {
      await Promise.all([agent, ...variants.map((v) => v.agent)].map((a) => a.stop('SIGTERM')));
    }
  } finally {
    baseline.kill('SIGKILL');
    await cluster.stop();
  }
}
