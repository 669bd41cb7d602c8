// The Nomad contract cases against real Nomad (skipped, in one line, without a binary).
import test from 'ava';
import { realNomadSuite } from '../support/real-nomad-suite.js';
import { NOMAD_CASES } from './nomad.cases.js';

realNomadSuite(test, (real) => {
  for (const c of NOMAD_CASES) {
    const reason = c.skip?.real;
    if (reason !== undefined) test.skip(`${c.title} (real Nomad skips: ${reason})`, () => undefined);
    else test.serial(c.title, (t) => c.run(t, { kind: 'real', nomadAddr: real().nomadAddr, consulAddr: real().consulAddr, nodeName: real().nodeName }));
  }
});
