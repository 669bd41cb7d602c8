// (a) The agent at rest watching 200 expert services: RSS and CPU of one core,
// against a bare Node.js process (the floor any Node program pays) in the same window.
// The agent runs as the hearth role's systemd unit starts it (node with the role's
// hearth_node_args, then bin/hearth.js agent), and, in the same window on other
// nodes, without those flags (as `hearth agent` typed by hand) and with JavaScript
// left to the interpreter, so their effect on the very same build can be read next to it.
// Where BPF can run (root), one more agent runs with power management on, as the unit
// runs it by default: its traffic monitor attached to an idle veth interface of this run's own,
// so it watches nobody else's traffic.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../../agent/util/yaml.js';
import { repoPath } from '../../../agent/util/paths.js';
import { measureUsage } from './proc-usage.js';
import { registerServices } from './seed.js';
import { startBenchAgent, startCluster, waitForExperts } from './cluster.js';
import { bpfSkipReason } from '../../bpf/helpers.js';

const MB = 1024 * 1024;

/** The Node.js options the hearth role's unit starts the agent with (ansible/roles/hearth/defaults/main.yml). */
export function deployedNodeArgs(): string[] {
  const defaults = parseYaml(readFileSync(repoPath('ansible', 'roles', 'hearth', 'defaults', 'main.yml'), 'utf8')) as { hearth_node_args?: unknown };
  const args = defaults.hearth_node_args;
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) throw new Error('hearth_node_args in the hearth role defaults is not a list of strings');
  return args;
}

/** A veth pair of this run's own (no addresses, no traffic) for the power-on agent's monitor; removed by the caller. */
function addIdleInterface(): { name: string; remove(): void } {
  const name = `hrest${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`], { stdio: 'pipe' });
  execFileSync('ip', ['link', 'set', name, 'up'], { stdio: 'pipe' });
  // Deleting one end deletes the pair.
  return { name, remove: () => execFileSync('ip', ['link', 'del', name], { stdio: 'pipe' }) };
}

/** JavaScript left to the interpreter: the compilers' code and output are never paged in. */
const INTERPRETER_ONLY = ['--no-maglev', '--no-sparkplug'];

export async function benchAtRest(options: { seconds: number; services: number; print: (line: string) => void }): Promise<void> {
  const powerSkip = bpfSkipReason();
  const idle = powerSkip === undefined ? addIdleInterface() : undefined;
  try {
    await measureAtRest(options, idle?.name, powerSkip);
  } finally {
    idle?.remove();
  }
}

async function measureAtRest(options: { seconds: number; services: number; print: (line: string) => void }, idle: string | undefined, powerSkip: string | undefined): Promise<void> {
  const { print } = options;
  const cluster = await startCluster(idle === undefined ? 3 : 4);
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await registerServices(cluster.nodes, 'prima-api-rest-', options.services);
    const deployed = deployedNodeArgs();
    const agent = await startBenchAgent(cluster, deployed);
    const variants = [
      { label: 'without Node.js flags (hearth agent by hand)', agent: await startBenchAgent(cluster, [], 1) },
      { label: `interpreter only, with ${[...deployed, ...INTERPRETER_ONLY].join(' ')}`, agent: await startBenchAgent(cluster, [...deployed, ...INTERPRETER_ONLY], 2) },
      ...(idle === undefined
        ? []
        : [{ label: `with power management on (target <= 60 MB at rest; monitor on the idle ${idle}), ${deployed.join(' ')}`, agent: await startBenchAgent(cluster, deployed, 3, { HEARTH_POWER_ENABLED: 'true', HEARTH_POWER_INTERFACES: idle }) }]),
    ];
    try {
      await Promise.all([agent, ...variants.map((v) => v.agent)].map((a) => waitForExperts(a, options.services)));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const pids = [agent.child.pid, baseline.pid, ...variants.map((v) => v.agent.child.pid)];
      if (pids.some((pid) => pid === undefined)) throw new Error('a process has no pid');
      const [used, floor, ...usedVariants] = await measureUsage(pids as number[], options.seconds);
      if (used === undefined || floor === undefined) throw new Error('no usage measured');
      const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
      print(`(a) agent at rest watching ${options.services} prima-api-* services, ${options.seconds} s window; node ${deployed.join(' ')} as the hearth unit runs it`);
      // The maximum is usually the start-up's garbage, before V8's first full collection; the end of the window is the agent settled.
      print(`    agent RSS max ${mb(used.rssMaxBytes)} (target <= 60 MB), at rest ${mb(used.rssRestMaxBytes)} (the largest in the window's second half), at the window's end ${mb(used.rssEndBytes)}; baseline bare node process ${mb(floor.rssMaxBytes)}; agent/baseline ${(used.rssMaxBytes / floor.rssMaxBytes).toFixed(2)}x`);
      print(`    agent CPU ${used.cpuPercentOfOneCore.toFixed(2)}% of one core (target <= 0.5%); baseline ${floor.cpuPercentOfOneCore.toFixed(2)}%`);
      variants.forEach((variant, i) => {
        const usage = usedVariants[i];
        if (usage === undefined) throw new Error('no usage measured');
        print(`    ${variant.label}: RSS max ${mb(usage.rssMaxBytes)} (at rest ${mb(usage.rssRestMaxBytes)}, at the window's end ${mb(usage.rssEndBytes)}), CPU ${usage.cpuPercentOfOneCore.toFixed(2)}%`);
      });
      if (powerSkip !== undefined) print(`    with power management on: not measured (${powerSkip})`);
    } finally {
      await Promise.all([agent, ...variants.map((v) => v.agent)].map((a) => a.stop('SIGTERM')));
    }
  } finally {
    baseline.kill('SIGKILL');
    await cluster.stop();
  }
}
