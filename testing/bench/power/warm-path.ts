// Warm-path cost of the traffic monitor: the same wrk load against an HTTP
// service (nginx, loopback) with the monitor detached (baseline), attached,
// and with an nginx reverse proxy in front instead (what proxy-based
// scale-to-zero puts in every request's path). Also: SYN-event delivery
// latency to user space, and the monitor's CPU while 50 services sit idle.
// Usage: node dist/testing/bench/power/warm-path.js [--quick]
import { createServer, connect, type AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createTrafficMonitor, type TrafficMonitor } from '../../../agent/bpf/monitor.js';
import { createSilentLogger } from '../../../agent/log.js';
import { repoPath } from '../../../agent/util/paths.js';
import { describeMachine } from './machine.js';
import { percentile } from './stats.js';
import { measureProgramCost } from './program-cost.js';
import { runWrk, startNginx, type WrkResult } from './warm-path-tools.js';

const OBJECT_PATH = repoPath('bpf', 'build', 'traffic_monitor.bpf.o');

function median(values: number[]): number {
  return percentile(values, 50);
}

/** A tc priority of its own, so a test suite running the monitor meanwhile is not disturbed. */
const BENCH_TC_PRIORITY = 0x4a00 + (process.pid % 0x100);

function newMonitor(): TrafficMonitor {
  return createTrafficMonitor({ interfaces: ['lo'], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: BENCH_TC_PRIORITY });
}

type Setup = 'detached' | 'attached' | 'proxy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Throughput {
  detachedRps: number;
  /** Packets from the service per request (counted while attached): each crosses the program on the server's core. */
  serverPacketsPerRequest: number;
}

async function measureThroughput(seconds: number, rounds: number): Promise<Throughput> {
  const service = await startNginx({ kind: 'service' });
  const proxy = await startNginx({ kind: 'proxy', upstreamPort: service.port });
  const monitor = newMonitor();
  monitor.watch({ id: 1, address: '127.0.0.1', port: service.port, protocol: 'tcp', checkPrefix: 'GET /health ' });
  const results: Record<Setup, WrkResult[]> = { detached: [], attached: [], proxy: [] };
  const connections = 16;
  const serverPackets: number[] = [];
  try {
    await runWrk(service.port, 1, connections); // warm-up
    const settleMs = 500; // let start()/stop() (object load, ring buffer reader) finish before load runs
    const runOne = async (setup: Setup): Promise<void> => {
      if (setup === 'proxy') {
        results.proxy.push(await runWrk(proxy.port, seconds, connections));
        return;
      }
      if (setup === 'detached') {
        results.detached.push(await runWrk(service.port, seconds, connections));
        return;
      }
      await monitor.start();
      await sleep(settleMs);
      try {
        const wrk = await runWrk(service.port, seconds, connections);
        results.attached.push(wrk);
        const c = monitor.counters().get(1);
        if (c === undefined || c.rxPackets === 0n) throw new Error('the attached monitor counted nothing: the measurement would be void');
        serverPackets.push(Number(c.txPackets) / wrk.requests);
      } finally {
        await monitor.stop();
        await sleep(settleMs);
      }
    };
    // Rotate the order every round so drift in the machine's other load spreads over all three.
    const order: Setup[] = ['detached', 'attached', 'proxy'];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < order.length; i++) await runOne(order[(round + i) % order.length] ?? 'detached');
    }
  } finally {
    await monitor.stop();
    await proxy.stop();
    await service.stop();
  }

  const rps = (k: keyof typeof results) => median(results[k].map((r) => r.requestsPerSec));
  const p99 = (k: keyof typeof results) => median(results[k].map((r) => r.p99Ms));
  process.stdout.write(`\nwarm path: wrk -t1 -c${connections}, ${seconds} s x ${rounds} rounds in rotating order (medians), nginx "return 200" on 127.0.0.1\n`);
  process.stdout.write(`  ${'setup'.padEnd(34)}${'req/s'.padStart(10)}${'p99'.padStart(11)}\n`);
  for (const [label, key] of [
    ['monitor detached (baseline)', 'detached'],
    ['monitor attached (tc on lo)', 'attached'],
    ['nginx reverse proxy in front', 'proxy'],
  ] as const) {
    process.stdout.write(`  ${label.padEnd(34)}${rps(key).toFixed(0).padStart(10)}${`${p99(key).toFixed(3)} ms`.padStart(11)}\n`);
  }
  const ratio = (rps('attached') / rps('detached')) * 100;
  const added = p99('attached') - p99('detached');
  process.stdout.write(`  attached/detached throughput: ${ratio.toFixed(1)}% (target >= 99%); p99 added: ${added.toFixed(3)} ms (target <= 0.1 ms)\n`);
  process.stdout.write(`  proxy/detached throughput:    ${((rps('proxy') / rps('detached')) * 100).toFixed(1)}%; p99 added: ${(p99('proxy') - p99('detached')).toFixed(3)} ms\n`);
  return { detachedRps: rps('detached'), serverPacketsPerRequest: median(serverPackets) };
}
function printProgramCost(objectPath: string, repeat: number, load: Throughput): void {
  const cost = measureProgramCost(objectPath, repeat);
  const serverNsPerRequest = 1e9 / load.detachedRps;
  const addedNs = (cost.responseNs - cost.floorNs) * load.serverPacketsPerRequest;
  process.stdout.write(`\nhearth_tc_ingress per packet, in the kernel (BPF_PROG_TEST_RUN, ${repeat} runs, no per-run clock reads)\n`);
  process.stdout.write(`  floor: an ARP frame the program leaves at once (the test harness's own cost): ${cost.floorNs} ns\n`);
  process.stdout.write(`  packet to an unwatched port (all other traffic): ${cost.unwatchedNs} ns\n`);
  process.stdout.write(`  request payload packet of an open connection to a watched service: ${cost.requestNs} ns\n`);
  process.stdout.write(`  response payload packet sent by the service: ${cost.responseNs} ns\n`);
  process.stdout.write(`  on the service's core: ${load.serverPacketsPerRequest.toFixed(2)} packets per request x ${cost.responseNs - cost.floorNs} ns above the floor = ${addedNs.toFixed(0)} ns`
    + ` of the baseline's ${(serverNsPerRequest / 1000).toFixed(1)} us per request -> expected attached/detached throughput`
    + ` ${((serverNsPerRequest / (serverNsPerRequest + addedNs)) * 100).toFixed(2)}%\n`);
}

async function measureSynLatency(samples: number): Promise<void> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const monitor = newMonitor();
  monitor.watch({ id: 2, address: '127.0.0.1', port, protocol: 'tcp' });
  const eventUs: number[] = [];
  const connectUs: number[] = [];
  try {
    await monitor.start();
    monitor.setSleeping(2, true);
    for (let i = 0; i < samples; i++) {
      const delivered = new Promise<bigint>((resolve) => {
        const off = monitor.onSyn((ev) => {
          off();
          resolve(process.hrtime.bigint() - ev.timestampNs);
        });
      });
      const t0 = process.hrtime.bigint();
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      connectUs.push(Number(process.hrtime.bigint() - t0) / 1000);
      socket.destroy();
      eventUs.push(Number(await delivered) / 1000);
    }
  } finally {
    await monitor.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const fmt = (v: number) => `${v.toFixed(0)} us`;
  process.stdout.write(`\nSYN event, kernel timestamp -> JS listener (${samples} connections, ring buffer polled on a pool thread)\n`);
  process.stdout.write(`  p50 ${fmt(percentile(eventUs, 50))}, p99 ${fmt(percentile(eventUs, 99))}, max ${fmt(percentile(eventUs, 100))}\n`);
  process.stdout.write(`  baseline, a loopback connect() in the same process: p50 ${fmt(percentile(connectUs, 50))}, p99 ${fmt(percentile(connectUs, 99))}\n`);
  process.stdout.write(`  (a counter poller every 10 s notices a first packet after 5 s on average)\n`);
}

async function cpuOver(seconds: number, tick: () => void): Promise<number> {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const timer = setInterval(tick, 1000);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  const used = process.cpuUsage(start);
  const elapsedUs = Number(process.hrtime.bigint() - t0) / 1000;
  return ((used.user + used.system) / elapsedUs) * 100;
}

async function measureIdleCpu(seconds: number): Promise<void> {
  const monitor = newMonitor();
  for (let i = 0; i < 50; i++) monitor.watch({ id: 100 + i, address: '127.0.0.1', port: 30000 + i, protocol: 'tcp' });
  const before = await cpuOver(seconds, () => undefined);
  let attached: number;
  try {
    await monitor.start();
    attached = await cpuOver(seconds, () => monitor.counters());
  } finally {
    await monitor.stop();
  }
  const baseline = (before + (await cpuOver(seconds, () => undefined))) / 2;
  process.stdout.write(`\nidle CPU, 50 watched services, counters() read every second, ${seconds} s\n`);
  process.stdout.write(`  baseline (same process, monitor stopped, before+after mean): ${baseline.toFixed(3)}% of a core\n`);
  process.stdout.write(`  monitor started:                                              ${attached.toFixed(3)}% of a core (target <= 0.5%)\n`);
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  process.stdout.write(`${describeMachine()}\n`);
  process.stdout.write(`load average (1/5/15 min) at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; wrk figures move with other load, the kernel-measured program cost does not\n`);
  const load = quick ? await measureThroughput(2, 1) : await measureThroughput(5, 11);
  printProgramCost(OBJECT_PATH, quick ? 200_000 : 1_000_000, load);
  await measureSynLatency(quick ? 100 : 500);
  await measureIdleCpu(quick ? 3 : 10);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(process.argv.slice(2));
}
