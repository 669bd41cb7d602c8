// The Consul contract cases against the simulator's Consul side and against
// the fake-consul the unit tests of agent/consul use.
import test from 'ava';
import { createFakeConsulState, startFakeConsul } from '../support/fake-consul.js';
import { createSimulator, type Simulator } from '../sim/index.js';
import { CONSUL_CASES, type ConsulKind, type ConsulTarget } from './consul.cases.js';

const targets: Record<'simulator' | 'fake', ConsulTarget & { stop?: () => Promise<void> }> = {
  simulator: { kind: 'simulator', consulAddr: '' },
  fake: { kind: 'fake', consulAddr: '' },
};
let sim: Simulator | undefined;
let fakeClose: (() => Promise<void>) | undefined;

test.before(async () => {
  sim = createSimulator({ nodes: 1, perNodeListeners: false });
  targets.simulator = { kind: 'simulator', consulAddr: (await sim.start()).consulAddr };
  const fake = await startFakeConsul(createFakeConsulState());
  fakeClose = () => fake.close();
  targets.fake = { kind: 'fake', consulAddr: fake.url };
});
test.after.always(async () => {
  await sim?.stop();
  await fakeClose?.();
});

for (const kind of ['simulator', 'fake'] as const satisfies readonly ConsulKind[]) {
  for (const c of CONSUL_CASES) {
    const reason = c.skip?.[kind];
    const title = `[${kind}] ${c.title}`;
    if (reason !== undefined) test.skip(`${title} (skipped: ${reason})`, () => undefined);
    else test.serial(title, (t) => c.run(t, targets[kind]));
  }
}
