// The power manager's benchmark, side by side in one run:
//   1. wake cycles through the simulator and through a real Nomad (when a binary is found):
//      first SYN -> scale request, p50/p99 (target p99 <= 50 ms); what a wake adds to the
//      service's own start time (target <= 1 s); refused, reset or hung clients over the
//      cycles with 10 concurrent clients each (target 0 of >= 200)
//   2. the agent's resident memory as the hearth unit runs it, power management on with the
//      BPF monitor loaded, watching 200 managed services (target <= 60 MB), at rest (the
//      largest sample of a 120 s window's second half) and at most (the whole window, the
//      start-up's garbage included), beside the same agent with power management off and a
//      bare Node.js process
//   3. the agent's CPU while it watches 50 idle services (target <= 0.5% of one core)
//   4. the traffic monitor's warm path (warm-path.ts), when present
// Usage: node dist/testing/bench/power/main.js [--quick]
// It prints figures against baselines measured in the same run; it asserts nothing.
import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../../agent/util/paths.js';
import { describeMachine } from './machine.js';
import { realNomadSkipReason } from '../../support/real-nomad.js';
import { formatMb, measureAgentMemory } from './agent-memory.js';
import { measureMonitorCost } from './monitor-cost.js';
import { formatMs, summarize } from './stats.js';
import { measureWakeCycles, type WakeBackend } from './wake-cycles.js';

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  out(describeMachine());
  out(`mode: ${quick ? 'quick (CI smoke: few cycles, short windows)' : 'full'}`);

  const cycles = quick ? 3 : 20;
  const clients = quick ? 3 : 10;
  const startDelayMs = 1000;
  const realSkip = realNomadSkipReason();
  const backends: WakeBackend[] = realSkip === undefined ? ['simulator', 'real Nomad'] : ['simulator'];
  for (const backend of backends) {
    out(`\n[wake, ${backend}] ${cycles} sleep/wake cycles, ${clients} concurrent clients each, fixture start delay ${startDelayMs} ms`);
    const wake = await measureWakeCycles({ backend, cycles, clients, startDelayMs });
    const syn = summarize(wake.synToScaleMs);
    const own = summarize(wake.ownStartMs);
    const client = summarize(wake.clientMs);
    const healthy = summarize(wake.synToHealthyMs);
    out(`  first SYN -> scale request:   p50 ${formatMs(syn.p50)}  p99 ${formatMs(syn.p99)}  (n=${syn.n}; target p99 <= 50 ms)`);
    out(`  first SYN -> healthy:         p50 ${formatMs(healthy.p50)}  p99 ${formatMs(healthy.p99)}`);
    out(`  baseline, the service's own start (spawn -> first answer): p50 ${formatMs(own.p50)}  (n=${own.n})`);
    out(`  client connect -> response through a wake:                 p50 ${formatMs(client.p50)}  p99 ${formatMs(client.p99)}  (n=${client.n})`);
    out(`  added by the wake (p50 client - p50 own start): ${formatMs(client.p50 - own.p50)}; ratio ${(client.p50 / own.p50).toFixed(2)}x the service's own start (target <= +1 s)`);
    out(`  refused, reset or hung (no answer in 30 s) clients: ${wake.failures.length} of ${cycles * clients} (target 0)${wake.failures.length > 0 ? `: ${[...new Set(wake.failures)].join('; ')}` : ''}`);
  }
  if (realSkip !== undefined) out(`\n[wake, real Nomad] ${realSkip}`);

  const managed = quick ? 50 : 200;
  const memorySeconds = quick ? 6 : 120;
  out(`\n[memory] the agent as the hearth unit runs it, power management on (BPF monitor on lo), ${managed} managed services watched, ${memorySeconds} s window from 2 s after it watched them all`);
  const memory = await measureAgentMemory({ services: managed, seconds: memorySeconds });
  const verdict = (bytes: number): string => (bytes <= 60 * 1024 * 1024 ? 'met' : 'MISSED');
  out(`  node ${memory.nodeArgs.join(' ')} bin/hearth.js agent`);
  out(`  power on:  RSS at rest ${formatMb(memory.powerOnRestRssBytes)} (the largest in the window's second half; target <= 60 MB: ${verdict(memory.powerOnRestRssBytes)})`);
  out(`             RSS max ${formatMb(memory.powerOnRssBytes)} over the whole window, start-up included (${verdict(memory.powerOnRssBytes)})`);
  out(`  baseline, the same agent with power off: RSS at rest ${formatMb(memory.powerOffRestRssBytes)}, max ${formatMb(memory.powerOffRssBytes)}; power management adds ${formatMb(memory.powerOnRestRssBytes - memory.powerOffRestRssBytes)} at rest`);
  out(`  baseline, a bare Node.js process: RSS max ${formatMb(memory.bareNodeRssBytes)}; agent with power on at rest / bare ${(memory.powerOnRestRssBytes / memory.bareNodeRssBytes).toFixed(2)}x`);
  out(`  power on, one sample every 10 s (MB): ${memory.powerOnRssSamples.filter((_, i) => i % 10 === 0).map((bytes) => (bytes / 1024 / 1024).toFixed(1)).join(' ')}`);

  const services = quick ? 10 : 50;
  const seconds = quick ? 3 : 20;
  out(`\n[monitoring cost] ${services} idle services watched, ${seconds} s windows`);
  const cost = await measureMonitorCost({ services, seconds, address: `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}` });
  out(`  baseline (this process, nothing watched): ${cost.baselinePercent.toFixed(3)}% of one core`);
  out(`  watching ${cost.services} idle services (monitor + manager): ${cost.watchingPercent.toFixed(3)}% of one core (target <= 0.5%)`);

  const warmPath = repoPath('dist', 'testing', 'bench', 'power', 'warm-path.js');
  if (existsSync(warmPath)) {
    out('\n[warm path] traffic monitor attached vs detached vs an nginx proxy');
    const module = (await import(pathToFileURL(warmPath).href)) as { run?: (args: string[]) => Promise<void> };
    if (module.run !== undefined) await module.run(quick ? ['--quick'] : []);
  } else {
    out('\n[warm path] warm-path.ts is not built; skipped');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(process.argv.slice(2));
}
