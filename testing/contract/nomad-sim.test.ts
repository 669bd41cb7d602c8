// The Nomad contract cases against the simulator, one node like the real tier.
import test from 'ava';
import { createSimulator, type Simulator } from '../sim/index.js';
import { NOMAD_CASES } from './nomad.cases.js';

let sim: Simulator | undefined;
let addrs = { nomadAddr: '', consulAddr: '' };
test.before(async () => {
  sim = createSimulator({ nodes: 1, maxCheckIntervalMs: 200, deployments: true });
  addrs = await sim.start();
});
test.after.always(async () => {
  await sim?.stop();
});

for (const c of NOMAD_CASES) {
  const reason = c.skip?.simulator;
  if (reason !== undefined) test.skip(`${c.title} (the simulator skips: ${reason})`, () => undefined);
  else test.serial(c.title, (t) => c.run(t, { kind: 'simulator', ...addrs, nodeName: 'node-1' }));
}
