// The Consul contract cases against real Consul, when a `consul` binary is on PATH.
import test from 'ava';
import { realConsulSkipReason, startRealConsul } from '../support/real-nomad.js';
import { skipAll } from '../support/skip.js';
import { CONSUL_CASES } from './consul.cases.js';

if (!skipAll('real Consul', realConsulSkipReason())) {
  let consul: { addr: string; stop(): Promise<void> } | undefined;
  test.before(async () => {
    consul = await startRealConsul();
  });
  test.after.always(async () => {
    await consul?.stop();
  });
  for (const c of CONSUL_CASES) {
    const skip = c.skip?.real;
    if (skip !== undefined) test.skip(`${c.title} (skipped: ${skip})`, () => undefined);
    else test.serial(c.title, (t) => c.run(t, { kind: 'real', consulAddr: consul?.addr ?? '' }));
  }
}
