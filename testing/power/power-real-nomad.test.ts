// The power manager against a real Nomad (testing/support/real-nomad.ts, its
// Consul the simulator's) and the real kernel: a managed job sleeps when idle
// and wakes on its first client, twenty times over, with clients arriving in
// every phase (while it sleeps, while it wakes, right after it woke, while the
// wake's deployment is still active), every one answered, none left hanging,
// and what `hearth power status` says checked against Nomad at every step.
// Real Nomad starts a deployment on each wake and refuses the scale endpoint
// while it runs, so most sleeps here go through a job register.
import test from 'ava';
import { bpfSkipReason } from '../bpf/helpers.js';
import { realNomadSkipReason, startRealNomad } from '../support/real-nomad.js';
import { fixtureJob, httpGet, randomServicePort, startPowerAgent } from './harness.js';
import { waitFor } from '../support/wait-for.js';
import { ACTIVE_DEPLOYMENT, latestDeployment, nomadCounts, realPowerBackends } from './real-backends.js';

const skip = bpfSkipReason() ?? realNomadSkipReason();
const CYCLES = 20;
const SERVICE = 'pw-real';

if (skip !== undefined) {
  test.skip(`power on real Nomad (skipped: ${skip})`, () => undefined);
} else {
  test.serial(`${CYCLES} sleep/wake cycles on real Nomad serve every client in every phase, and power status stays true to Nomad`, async (t) => {
    t.timeout(20 * 60_000);
    const real = await startRealNomad();
    t.teardown(() => real.stop());
    const backends = realPowerBackends(real);
    t.teardown(() => backends.close());
    const port = randomServicePort();
    await backends.nomad.jobs.register(fixtureJob(SERVICE, { port, node: real.nodeName, idle: '3s', checkIntervalMs: 1000, startDelayMs: 200, address: '127.0.0.1' }));
    const url = `http://127.0.0.1:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 120_000 });
    const agent = await startPowerAgent(backends, { interfaces: ['lo'], holdLimitMs: 90_000 });
    t.teardown(() => agent.stop());
    const status = () => agent.manager.status(SERVICE);

    const failures: string[] = [];
    const served = new Map<string, number>();
    const client = (phase: string): Promise<void> =>
      httpGet(url, 60_000)
        .then((reply) => {
          if (reply.status === 200 && reply.body === `hello from ${SERVICE}\n`) served.set(phase, (served.get(phase) ?? 0) + 1);
          else failures.push(`${phase}: answered ${reply.status} ${reply.body.slice(0, 80)}`);
        })
        .catch((err: unknown) => void failures.push(`${phase}: ${(err as Error).message}`));

    /** Power status against Nomad: sleeping means Nomad wants 0; awake means Nomad wants and runs at least one. */
    const truthful = async (when: string): Promise<void> => {
      const state = status().state;
      const counts = await nomadCounts(backends, SERVICE);
      if (state === 'sleeping') t.is(counts.desired, 0, `${when}: power status says sleeping, Nomad wants ${counts.desired}`);
      if (state === 'awake') t.true(counts.desired >= 1 && counts.running >= 1, `${when}: power status says awake, Nomad wants ${counts.desired} and runs ${counts.running}`);
    };

    let sleepsDuringDeployment = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      const before = await latestDeployment(real, SERVICE);
      await waitFor(`cycle ${cycle}: the idle sleep`, () => status().state === 'sleeping', { timeoutMs: 60_000 });
      if (before !== undefined && ACTIVE_DEPLOYMENT.includes(before.Status)) sleepsDuringDeployment += 1;
      t.is(status().lastError, undefined, `cycle ${cycle}: the sleep succeeded`);
      await truthful(`cycle ${cycle} asleep`);
      await waitFor(`cycle ${cycle}: Nomad to stop the allocation`, async () => (await nomadCounts(backends, SERVICE)).running === 0, { timeoutMs: 60_000 });
      await truthful(`cycle ${cycle} stopped`);

      const clients = [client('while it sleeps')];
      await waitFor(`cycle ${cycle}: the wake to start`, () => status().state !== 'sleeping', { timeoutMs: 30_000 });
      if (status().state === 'waking') clients.push(client('while it wakes'));
      await waitFor(`cycle ${cycle}: awake`, () => status().state === 'awake', { timeoutMs: 90_000 });
      clients.push(client('right after it woke'));
      await truthful(`cycle ${cycle} awake`);
      const deployment = await latestDeployment(real, SERVICE);
      if (deployment !== undefined && ACTIVE_DEPLOYMENT.includes(deployment.Status)) clients.push(client('while a deployment is active'));
      await Promise.all(clients);
      t.is(status().lastError, undefined, `cycle ${cycle}: the wake succeeded`);
    }

    t.deepEqual(failures, [], 'every client served, none refused, reset or left hanging');
    const total = [...served.values()].reduce((a, b) => a + b, 0);
    t.log(`clients served per phase: ${JSON.stringify(Object.fromEntries(served))}; sleeps while a deployment was active: ${sleepsDuringDeployment}`);
    t.true((served.get('while it sleeps') ?? 0) === CYCLES && (served.get('right after it woke') ?? 0) === CYCLES, `served ${total}`);
    t.true((served.get('while a deployment is active') ?? 0) > 0, 'clients arrived while a deployment was active');
    t.true(sleepsDuringDeployment > 0, 'some sleeps came while the wake deployment was still active');
  });
}
