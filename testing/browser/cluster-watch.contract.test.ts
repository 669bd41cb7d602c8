// The cluster watch Mission Control shows (Nomad nodes and jobs by blocking
// query, hearth agents from Consul) against the simulator and a real
// `nomad agent -dev`: the same cases, so the browser tests' simulator is
// evidence for what the page shows.
import test from 'ava';
import { createConsulClient } from '../../agent/consul/client.js';
import { createSilentLogger } from '../../agent/log.js';
import { createClusterWatch, type ClusterChange } from '../../agent/mission-control/cluster-watch.js';
import { createNomadClient } from '../../agent/nomad/client.js';
import { createSimulator } from '../sim/index.js';
import { realNomadSkipReason, startRealNomad } from '../support/real-nomad.js';
import { waitFor } from '../support/wait-for.js';

interface Backend { nomadAddr: string; consulAddr: string; nodeName: string; stop(): Promise<void> }

const BACKENDS: Record<string, () => Promise<Backend>> = {
  simulator: async () => {
    const sim = createSimulator({ nodes: 1, perNodeListeners: false });
    const { nomadAddr, consulAddr } = await sim.start();
    return { nomadAddr, consulAddr, nodeName: sim.control.nodes()[0]?.name ?? '', stop: () => sim.stop() };
  },
  real: async () => {
    const real = await startRealNomad();
    return { nomadAddr: real.nomadAddr, consulAddr: real.consulAddr, nodeName: real.nodeName, stop: () => real.stop() };
  },
};

const realSkip = realNomadSkipReason();
if (realSkip !== undefined) test(`[real] cluster watch: skipped (${realSkip})`, (t) => t.pass());

for (const [kind, start] of Object.entries(BACKENDS)) {
  if (kind === 'real' && realSkip !== undefined) continue;

  test.serial(`[${kind}] the cluster watch lists the ready node, then a registered job and its stop, each as a change`, async (t) => {
    const backend = await start();
    t.teardown(() => backend.stop());
    const log = createSilentLogger();
    const changes: ClusterChange[] = [];
    const watch = createClusterWatch({
      backends: { nomad: createNomadClient({ addr: backend.nomadAddr, log }), consul: createConsulClient({ addr: backend.consulAddr, log }) },
      log,
      waitMs: 30_000,
      onChange: (change) => changes.push(change),
    });
    watch.start();
    t.teardown(() => watch.stop());
    const node = await waitFor('the node in the watch', async () => watch.snapshot().nodes.find((n) => n.name === backend.nodeName && n.status === 'ready'), { timeoutMs: 30_000 });
    t.is(node.eligibility, 'eligible');
    t.false(node.drain);
    t.regex(node.address, /^127\./);

    const job = { Job: { ID: 'mc-watch', Name: 'mc-watch', Type: 'service', Datacenters: ['dc1'], TaskGroups: [{ Name: 'web', Count: 1, Tasks: [{ Name: 'main', Driver: 'raw_exec', Config: { command: '/bin/sleep', args: ['600'] }, Resources: { CPU: 50, MemoryMB: 32 } }] }] } };
    const res = await fetch(`${backend.nomadAddr}/v1/jobs`, { method: 'PUT', body: JSON.stringify(job) });
    t.is(res.status, 200, await res.text());
    const row = await waitFor('the job in the watch', async () => watch.snapshot().jobs.find((j) => j.id === 'mc-watch'), { timeoutMs: 15_000 });
    t.deepEqual(row.groups.map((g) => g.name), ['web']);
    t.false(row.stop);
    t.true(changes.some((c) => c.part === 'jobs' && c.jobs.some((j) => j.id === 'mc-watch')), 'the job arrived as a change, not only in the snapshot');

    await (await fetch(`${backend.nomadAddr}/v1/job/mc-watch`, { method: 'DELETE' })).arrayBuffer();
    const stopped = await waitFor('the stop in the watch', async () => watch.snapshot().jobs.find((j) => j.id === 'mc-watch' && j.stop), { timeoutMs: 15_000 });
    t.true(stopped.stop);
    t.deepEqual(watch.snapshot().errors, {});
  });
}
