// The JobsPort cases against the port over the simulator and against the runner's fake.
import test from 'ava';
import { connectClusterAt, type Cluster } from '../../agent/jobs-runner/connect.js';
import { createFakeCluster } from '../support/fake-jobs-ports.js';
import { createSilentLogger } from '../../agent/log.js';
import { createSimulator, type Simulator } from '../sim/index.js';
import { JOBS_PORT_CASES, type JobsPortTarget } from './jobs-port.cases.js';

let sim: Simulator | undefined;
let cluster: Cluster | undefined;
test.before(async () => {
  sim = createSimulator({ nodes: 1, deployments: true });
  cluster = connectClusterAt(await sim.start(), createSilentLogger());
});
test.after.always(async () => {
  await cluster?.close();
  await sim?.stop();
});

for (const kind of ['simulator', 'fake'] as const) {
  for (const c of JOBS_PORT_CASES) {
    const reason = c.skip?.[kind];
    const title = `[${kind}] ${c.title}`;
    if (reason !== undefined) test.skip(`${title} (skipped: ${reason})`, () => undefined);
    else test.serial(title, (t) => {
      const target: JobsPortTarget = kind === 'fake' ? { kind, jobs: createFakeCluster().jobs } : { kind, jobs: cluster?.jobs ?? createFakeCluster().jobs };
      return c.run(t, target);
    });
  }
}
