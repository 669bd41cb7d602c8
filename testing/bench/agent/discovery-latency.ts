// (b) From a service's check turning passing to the service appearing in the
// agent's list: the agent's discovery code (blocking queries) in-process, the
// agent process itself (seen through its API, polled every 5 ms), and the
// named baseline: a watcher that polls Consul once a second.
import { createSilentLogger } from '../../../agent/log.js';
import { createConsulClient } from '../../../agent/consul/client.js';
import { createServiceWatcher, type DiscoveredService } from '../../../agent/consul/discovery.js';
import { waitFor } from '../../support/wait-for.js';
import { startBenchAgent, startCluster } from './cluster.js';
import { formatMs, formatRatio, percentile } from './stats.js';

const PREFIX = 'prima-api-lat-';

/** The usual home-grown approach: every second, ask Consul for each name's passing instances. */
function startPollingWatcher(consulAddr: string, names: readonly string[], intervalMs: number) {
  const seen = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const round = performance.now();
      await Promise.all(names.map(async (name) => {
        const entries = (await (await fetch(`${consulAddr}/v1/health/service/${name}?passing`)).json()) as { Service: { ID: string } }[];
        const now = performance.now();
        for (const e of entries) if (!seen.has(e.Service.ID)) seen.set(e.Service.ID, now);
      }));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - round))));
    }
  })();
  return { seenAt: (id: string) => seen.get(id), stop: async () => { stopped = true; await loop; } };
}

export async function benchDiscoveryLatency(options: { trials: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const cluster = await startCluster();
  const node = cluster.nodes[0];
  if (node === undefined) throw new Error('no node');
  const log = createSilentLogger();
  const consul = createConsulClient({ addr: node.consulAddr, log });
  const inProcessSeen = new Map<string, number>();
  const watcher = createServiceWatcher({
    consul,
    prefix: PREFIX,
    wait: '5m',
    log,
    onChange: (services: DiscoveredService[]) => {
      const now = performance.now();
      for (const s of services) if (!inProcessSeen.has(s.id)) inProcessSeen.set(s.id, now);
    },
  });
  const names = Array.from({ length: options.trials }, (_, i) => `${PREFIX}${String(i).padStart(3, '0')}`);
  let poller: ReturnType<typeof startPollingWatcher> | undefined;
  const agent = await startBenchAgent(cluster);
  try {
    for (const name of names) {
      const response = await fetch(`${node.consulAddr}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ ID: `${name}-1`, Name: name, Port: 9000, Checks: [{ CheckID: `${name}-1-ttl`, TTL: '1h', Status: 'critical' }] }),
      });
      if (!response.ok) throw new Error(`register ${name}: ${response.status}`);
    }
    watcher.start();
    poller = startPollingWatcher(node.consulAddr, names, 1000);
    // Every watcher knows every (still critical) name before the first trial.
    await waitFor('the agent to watch every name', async () => {
      const { body } = await agent.getJson('/api/v1/experts');
      return (body.experts as unknown[]).length >= names.length ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const hearth: number[] = [];
    const agentProcess: number[] = [];
    const polling: number[] = [];
    for (const name of names) {
      const id = `${name}-1`;
      // A random moment within the poller's second, so the baseline is not always caught at its worst phase.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      const started = performance.now();
      cluster.sim.control.setCheckStatus(`${id}-ttl`, 'passing');
      const agentSeen = await waitFor('the agent process to list it passing', async () => {
        const { body } = await agent.getJson('/api/v1/experts');
        return (body.experts as { id: string; health: string }[]).some((e) => e.id === id && e.health === 'passing') ? performance.now() : undefined;
      }, { intervalMs: 5, timeoutMs: 10_000 });
      const inProcess = await waitFor('the in-process watcher to list it', () => inProcessSeen.get(id), { intervalMs: 1, timeoutMs: 10_000 });
      const polled = await waitFor('the 1 s poller to list it', () => poller?.seenAt(id), { intervalMs: 1, timeoutMs: 10_000 });
      hearth.push(inProcess - started);
      agentProcess.push(agentSeen - started);
      polling.push(polled - started);
    }
    const row = (label: string, values: number[]) =>
      `    ${label.padEnd(48)} p50 ${formatMs(percentile(values, 50)).padStart(9)}  p99 ${formatMs(percentile(values, 99)).padStart(9)}`;
    print(`(b) check turns passing -> listed, ${options.trials} trials (target <= 100 ms)`);
    print(row('hearth discovery (blocking queries, in-process)', hearth));
    print(row('hearth agent process (its API polled every 5 ms)', agentProcess));
    print(row('baseline: 1 s polling watcher', polling));
    print(`    baseline/hearth: p50 ${formatRatio(percentile(hearth, 50), percentile(polling, 50))}, p99 ${formatRatio(percentile(hearth, 99), percentile(polling, 99))} faster`);
  } finally {
    await poller?.stop();
    await watcher.stop();
    await consul.close();
    await agent.stop('SIGTERM');
    await cluster.stop();
  }
}
