// (c) The simulator under load (200 mock_driver jobs, 1000 service instances,
// the agent watching them all): how long a blocking query takes to answer after
// a change, against a plain (non-blocking) read of the same endpoint.
import { waitFor } from '../../support/wait-for.js';
import { countInstances, submitMockJobs } from './seed.js';
import { startBenchAgent, startCluster, waitForExperts } from './cluster.js';
import { formatMs, percentile } from './stats.js';

const PREFIX = 'prima-api-job-';

async function timedGet(url: string): Promise<{ ms: number; index: number }> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { ms: performance.now() - started, index: Number(response.headers.get('x-consul-index') ?? '0') };
}

export async function benchBlockingLatency(options: { jobs: number; perJob: number; trials: number; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const big = { cpuMhz: 1_000_000, memoryMb: 1_000_000 };
  const cluster = await startCluster([big, big, big]);
  const node = cluster.nodes[0];
  if (node === undefined) throw new Error('no node');
  const instances = options.jobs * options.perJob;
  try {
    const seeding = performance.now();
    await submitMockJobs(cluster.nomadAddr, PREFIX, options.jobs, options.perJob);
    await waitFor(`${instances} service instances`, async () => ((await countInstances(cluster.consulAddr, PREFIX)) >= instances ? true : undefined), {
      timeoutMs: 300_000,
      intervalMs: 500,
    });
    const seededMs = performance.now() - seeding;
    const agent = await startBenchAgent(cluster);
    try {
      await waitForExperts(agent, instances);
      const service = `${PREFIX}000`;
      const register = await fetch(`${node.consulAddr}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ ID: 'bench-probe', Name: service, Port: 9999, Checks: [{ CheckID: 'bench-probe-ttl', TTL: '1h', Status: 'critical' }] }),
      });
      if (!register.ok) throw new Error(`register the probe: ${register.status}`);
      const url = `${cluster.consulAddr}/v1/health/service/${service}`;
      const plain: number[] = [];
      const blocking: number[] = [];
      for (let trial = 0; trial < options.trials; trial += 1) {
        const read = await timedGet(url);
        plain.push(read.ms);
        const answer = fetch(`${url}?index=${read.index}&wait=30s`).then(async (response) => {
          await response.arrayBuffer();
          return performance.now();
        });
        // Let the query reach the server and start waiting.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const changed = performance.now();
        cluster.sim.control.setCheckStatus('bench-probe-ttl', trial % 2 === 0 ? 'passing' : 'critical');
        blocking.push((await answer) - changed);
      }
      print(`(c) simulator with the agent, ${options.jobs} mock_driver jobs, ${instances} service instances (seeded in ${(seededMs / 1000).toFixed(1)} s), ${options.trials} trials (target p99 <= 10 ms)`);
      print(`    blocking query answer after a change  p50 ${formatMs(percentile(blocking, 50)).padStart(9)}  p99 ${formatMs(percentile(blocking, 99)).padStart(9)}`);
      print(`    baseline: plain read of the same list  p50 ${formatMs(percentile(plain, 50)).padStart(9)}  p99 ${formatMs(percentile(plain, 99)).padStart(9)}`);
      const ratio = (p: number) => (percentile(blocking, p) / percentile(plain, p)).toFixed(2);
      print(`    blocking answer / plain read: p50 ${ratio(50)}, p99 ${ratio(99)} (1.00: a blocking answer costs one read)`);
    } finally {
      await agent.stop('SIGTERM');
    }
  } finally {
    await cluster.stop();
  }
}
