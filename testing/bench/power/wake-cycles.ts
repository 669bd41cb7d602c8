// Wake cycles on the real stack (eBPF monitor + power manager, and either the
// simulator or a real Nomad whose Consul is the simulator's): each cycle puts
// the service to sleep, then N clients connect at once. For
// each cycle: the first SYN -> scale request time (the manager's cold-start
// phase), every client's time to its response, and any client refused or
// reset. The baseline is the service's own start time: the same fixture,
// started directly, from spawn to its first answer.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoPath } from '../../../agent/util/paths.js';
import { fixtureJob, httpGet, randomServicePort, startPowerAgent, startPowerCluster, type PowerBackends } from '../../power/harness.js';
import { waitFor } from '../../support/wait-for.js';
import { realPowerBackends } from '../../power/real-backends.js';
import { startRealNomad } from '../../support/real-nomad.js';

export type WakeBackend = 'simulator' | 'real Nomad';

export interface WakeCycles {
  readonly backend: WakeBackend;
  readonly cycles: number;
  readonly clients: number;
  readonly startDelayMs: number;
  /** The fixture's own start time (spawn -> first answer), per run. */
  readonly ownStartMs: number[];
  /** First SYN -> scale request, per cycle. */
  readonly synToScaleMs: number[];
  /** First SYN -> healthy, per cycle. */
  readonly synToHealthyMs: number[];
  /** Connect -> full response, per client. */
  readonly clientMs: number[];
  readonly failures: string[];
}

async function measureOwnStart(address: string, startDelayMs: number): Promise<number> {
  const port = randomServicePort();
  const started = performance.now();
  const child = spawn(process.execPath, [repoPath('testing', 'fixtures', 'power-service.mjs')], {
    env: { ...process.env, HOST: address, PORT: String(port), START_DELAY_MS: String(startDelayMs), NAME: 'own-start' },
    stdio: 'ignore',
  });
  try {
    await waitFor('the fixture to answer', () => httpGet(`http://${address}:${port}/`, 1000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
  }
}

/** A client that gets no answer in this long counts as hung. */
const HUNG_MS = 30_000;

async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const reply = await httpGet(url, HUNG_MS);
  if (reply.status !== 200) throw new Error(`status ${reply.status}`);
  return performance.now() - started;
}

interface Stack {
  readonly backends: PowerBackends;
  readonly address: string;
  readonly node: string;
  register(job: Parameters<typeof fixtureJob>[1] & { id: string }): Promise<void>;
  stop(): Promise<void>;
}

async function startStack(backend: WakeBackend): Promise<Stack> {
  if (backend === 'simulator') {
    const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
    const cluster = await startPowerCluster({ address });
    return {
      backends: cluster,
      address,
      node: cluster.node.name,
      register: ({ id, ...options }) => cluster.register(fixtureJob(id, options)),
      stop: () => cluster.stop(),
    };
  }
  const real = await startRealNomad();
  const backends = realPowerBackends(real);
  return {
    backends,
    address: '127.0.0.1',
    node: real.nodeName,
    // Real Nomad wants check intervals of at least 1 s; the task is bound to 127.0.0.1 (lo also carries ::1).
    register: async ({ id, ...options }) => {
      await backends.nomad.jobs.register(fixtureJob(id, { ...options, checkIntervalMs: 1000, address: '127.0.0.1' }));
    },
    stop: async () => {
      await backends.close();
      await real.stop();
    },
  };
}

export async function measureWakeCycles(options: { backend: WakeBackend; cycles: number; clients: number; startDelayMs: number }): Promise<WakeCycles> {
  const stack = await startStack(options.backend);
  const address = stack.address;
  const result: WakeCycles = { ...options, ownStartMs: [], synToScaleMs: [], synToHealthyMs: [], clientMs: [], failures: [] };
  const port = randomServicePort();
  const url = `http://${address}:${port}/`;
  try {
    for (let i = 0; i < Math.min(5, options.cycles); i += 1) result.ownStartMs.push(await measureOwnStart(address, options.startDelayMs));
    await stack.register({ id: 'bench-wake', port, idle: '1h', startDelayMs: options.startDelayMs, node: stack.node });
    await waitFor('the service to answer', () => httpGet(url, 1000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 120_000 });
    const agent = await startPowerAgent(stack.backends, { interfaces: ['lo'], holdLimitMs: 60_000 });
    try {
      for (let cycle = 0; cycle < options.cycles; cycle += 1) {
        await agent.manager.sleep('bench-wake');
        await sleep(200);
        const outcomes = await Promise.allSettled(Array.from({ length: options.clients }, () => timedGet(url)));
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') result.clientMs.push(outcome.value);
          else result.failures.push(String((outcome.reason as Error).message));
        }
        const phases = agent.manager.status('bench-wake').lastColdStart?.phasesMs;
        if (phases?.scale_requested !== undefined) result.synToScaleMs.push(phases.scale_requested);
        if (phases?.healthy !== undefined) result.synToHealthyMs.push(phases.healthy);
      }
    } finally {
      await agent.stop();
    }
  } finally {
    await stack.stop();
  }
  return result;
}
