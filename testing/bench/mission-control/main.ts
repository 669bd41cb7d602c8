// `npm run bench -- mission-control [--quick]`: the page's figures against
// their targets, each beside a baseline measured in the same run:
//   bundle size (gzip)            vs preact's own runtime, target <= 150 KB
//   cold page ready (live data)   vs a cold load of /health in the same browser, target <= 1 s
//   cluster change -> DOM, 200 services watched (Consul check flips)
//                                 vs the agent's own API seeing it (polled every 5 ms), target p99 <= 100 ms
//   power state -> DOM            (bus -> WebSocket -> DOM, in-process agent with the power stand-in)
//   20 open pages at rest         vs the same agent with no page, target <= 10 MB and <= 1% of a core
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { describeMachine } from '../agent/machine.js';
import { chromiumSkipReason, launchChromium } from '../../browser/browser.js';
import { benchBundle } from './bundle.js';
import { benchPage } from './page-figures.js';
import { benchPowerLatency } from './power-latency.js';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { quick: { type: 'boolean', default: false } }, strict: true });
  const quick = values.quick;
  const print = (line: string) => process.stdout.write(line + '\n');
  print(`hearth mission-control benchmark${quick ? ' (--quick: short windows, fewer trials)' : ''}`);
  print(describeMachine());
  print(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (a shared machine: figures move with it; compare each to its baseline)`);
  benchBundle(print);
  const skip = chromiumSkipReason();
  if (skip !== undefined) {
    print(`browser figures: skipped (${skip})`);
    return;
  }
  const browser = await launchChromium();
  print(`browser: ${browser.version()} (headless, Debian chromium)`);
  try {
    await benchPage({ browser, print, coldTrials: quick ? 5 : 20, changeTrials: quick ? 30 : 100, restSeconds: quick ? 5 : 20, services: 200, pages: 20 });
    await benchPowerLatency({ browser, print, trials: quick ? 30 : 100 });
  } finally {
    await browser.close();
  }
}
