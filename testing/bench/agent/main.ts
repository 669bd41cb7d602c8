// `npm run bench -- agent [--quick]`: the agent benchmark. Prints the machine,
// then each part's figures with its target and its baseline.
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.js';
import { benchAtRest } from './at-rest.js';
import { benchDiscoveryLatency } from './discovery-latency.js';
import { benchBlockingLatency } from './blocking-latency.js';
import { benchRecovery } from './recovery.js';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { quick: { type: 'boolean', default: false } }, strict: true });
  const quick = values.quick;
  const print = (line: string) => process.stdout.write(line + '\n');
  print(`hearth agent benchmark${quick ? ' (--quick: short windows, fewer trials)' : ''}`);
  print(describeMachine());
  await benchAtRest({ seconds: quick ? 5 : 60, services: 200, print });
  await benchDiscoveryLatency({ trials: quick ? 5 : 20, print });
  await benchBlockingLatency({ jobs: quick ? 40 : 200, perJob: 5, trials: quick ? 20 : 200, print });
  await benchRecovery({ trials: quick ? 2 : 6, print });
}
