// The agent's resident memory with power management on, as the hearth role's
// systemd unit runs it (node with hearth_node_args, then bin/hearth.js agent):
// the eBPF traffic monitor loaded on lo and `services` managed jobs of this
// node adopted and watched. Beside it in the same window: the same agent with
// power management off, and a bare Node.js process (the floor any Node
// program pays).
import { spawn } from 'node:child_process';
import type { Job } from '../../../agent/nomad/types.js';
import { deployedNodeArgs } from '../agent/at-rest.js';
import { startBenchAgent, startCluster, type BenchCluster } from '../agent/cluster.js';
import { measureUsage } from '../agent/proc-usage.js';
import { startAgentProcess, type AgentProcess } from '../../integration/agent-process.js';
import { waitFor } from '../../support/wait-for.js';

const MB = 1024 * 1024;

function managedMockJob(i: number, node: string): Job {
  const id = `pm-${String(i).padStart(3, '0')}`;
  return {
    ID: id,
    Datacenters: ['dc1'],
    Meta: { 'hearth.power': 'managed', 'hearth.idle_timeout': '1h' },
    Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: node }],
    TaskGroups: [
      {
        Name: 'app',
        Count: 1,
        Networks: [{ ReservedPorts: [{ Label: 'http', Value: 30_000 + i }] }],
        Services: [{ Name: id, PortLabel: 'http' }],
        Tasks: [{ Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 10, MemoryMB: 10 } }],
      },
    ],
  };
}

async function submit(cluster: BenchCluster, job: Job): Promise<void> {
  const response = await fetch(`${cluster.nomadAddr}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: job }), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`register ${job.ID} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

async function startPowerAgentProcess(cluster: BenchCluster, nodeArgs: readonly string[]): Promise<AgentProcess> {
  const node = cluster.nodes[0];
  if (node === undefined) throw new Error('the cluster has no node');
  return await startAgentProcess({
    nomadAddr: node.nomadAddr,
    consulAddr: node.consulAddr,
    nodeName: node.name,
    listenHost: node.address,
    logLevel: 'info',
    discoveryWait: '5m',
    nodeArgs,
    power: { enabled: true, interfaces: ['lo'] },
  });
}

export interface AgentMemory {
  readonly services: number;
  readonly nodeArgs: readonly string[];
  readonly powerOnRssBytes: number;
  readonly powerOnRestRssBytes: number;
  readonly powerOnRssSamples: readonly number[];
  readonly powerOffRssBytes: number;
  readonly powerOffRestRssBytes: number;
  readonly bareNodeRssBytes: number;
  readonly powerOnCpuPercent: number;
}

export async function measureAgentMemory(options: { services: number; seconds: number; nodeArgs?: readonly string[] }): Promise<AgentMemory> {
  const cluster = await startCluster(1);
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    const node = cluster.nodes[0];
    if (node === undefined) throw new Error('the cluster has no node');
    for (let i = 0; i < options.services; i += 1) await submit(cluster, managedMockJob(i, node.name));
    const nodeArgs = options.nodeArgs ?? deployedNodeArgs();
    const on = await startPowerAgentProcess(cluster, nodeArgs);
    const off = await startBenchAgent(cluster, nodeArgs);
    try {
      await waitFor(`the power manager to watch ${options.services} services`, async () => {
        const { body } = await on.getJson('/api/v1/power');
        return (body.services as unknown[] | undefined)?.length === options.services ? true : undefined;
      }, { timeoutMs: 180_000, intervalMs: 500 });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const pids = [on.child.pid, off.child.pid, baseline.pid];
      if (pids.some((pid) => pid === undefined)) throw new Error('a process has no pid');
      const [powerOn, powerOff, bare] = await measureUsage(pids as number[], options.seconds);
      if (powerOn === undefined || powerOff === undefined || bare === undefined) throw new Error('no usage measured');
      return {
        services: options.services,
        nodeArgs,
        powerOnRssBytes: powerOn.rssMaxBytes,
        powerOnRestRssBytes: powerOn.rssRestMaxBytes,
        powerOnRssSamples: powerOn.rssSamples,
        powerOffRssBytes: powerOff.rssMaxBytes,
        powerOffRestRssBytes: powerOff.rssRestMaxBytes,
        bareNodeRssBytes: bare.rssMaxBytes,
        powerOnCpuPercent: powerOn.cpuPercentOfOneCore,
      };
    } finally {
      await Promise.all([on.stop('SIGTERM'), off.stop('SIGTERM')]);
    }
  } finally {
    baseline.kill('SIGKILL');
    await cluster.stop();
  }
}

export function formatMb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}
