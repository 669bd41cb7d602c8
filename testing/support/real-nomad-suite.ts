// One real Nomad for the serial tests of one file. Without a binary the file
// registers a single skipped test whose title says why; with one, the suite
// ends with a test that fails on any warning or error Nomad logged about its
// Consul (each is a defect of the simulator's Consul side).
//
//   realNomadSuite(test, (real) => {
//     test.serial('...', async (t) => { ... real().nomadAddr ... });
//   });
//
// Register tests with test.serial inside the body: ava runs serial tests in
// order, so the Consul check runs after all of them.
import type { TestFn } from 'ava';
import { realNomadSkipReason, startRealNomad, type RealNomad, type RealNomadOptions } from './real-nomad.js';
import { skipAll } from './skip.js';

export function realNomadSuite(test: TestFn, body: (real: () => RealNomad) => void, options: RealNomadOptions = {}): void {
  if (skipAll('real Nomad tier', realNomadSkipReason())) return;
  let started: RealNomad | undefined;
  test.before(async () => {
    started = await startRealNomad(options);
  });
  test.after.always(async () => {
    await started?.stop();
  });
  body(() => {
    if (started === undefined) throw new Error('real Nomad did not start (see the before hook)');
    return started;
  });
  test.serial('real Nomad logged no warning or error about its Consul', (t) => {
    if (started === undefined) throw new Error('real Nomad did not start (see the before hook)');
    t.deepEqual(started.consulProblems(), []);
  });
}
