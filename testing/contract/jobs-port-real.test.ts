// The JobsPort cases against the port over real Nomad.
import test from 'ava';
import { connectClusterAt } from '../../agent/jobs-runner/connect.js';
import { createSilentLogger } from '../../agent/log.js';
import { realNomadSuite } from '../support/real-nomad-suite.js';
import { JOBS_PORT_CASES } from './jobs-port.cases.js';

realNomadSuite(test, (real) => {
  for (const c of JOBS_PORT_CASES) {
    const reason = c.skip?.real;
    if (reason !== undefined) test.skip(`${c.title} (skipped: ${reason})`, () => undefined);
    else test.serial(c.title, async (t) => {
      const cluster = connectClusterAt({ nomadAddr: real().nomadAddr, consulAddr: real().consulAddr }, createSilentLogger());
      t.teardown(() => cluster.close());
      await c.run(t, { kind: 'real', jobs: cluster.jobs });
    });
  }
});
