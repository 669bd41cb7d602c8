// The real tier end to end: `hearth jobs run` on a real Nomad agent with real
// llama.cpp binaries and the tiny random-weight model. prima-expert walks
// past a missing model to a healthy one served through a real RPC worker
// that Nomad's template, reading Consul, put on llama-server's --rpc; the
// pool shrinking and growing is followed; benchmark runs real llama-bench.
import { readdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyYaml } from '../../agent/util/yaml.js';
import { firstReason, testUnless } from '../support/skip.js';
import { llamaSkipReason, requireLlamaCpp, tinyModel } from '../support/llama.js';
import { freeLoopbackPort, realNomadSkipReason, startRealNomad, type RealNomad } from '../support/real-nomad.js';
import { runHearth, type CliResult } from './cli-process.js';

const realTest = testUnless(firstReason(realNomadSkipReason(), llamaSkipReason())).serial;

interface Cluster {
  readonly real: RealNomad;
  readonly dir: string;
  hearth(args: readonly string[]): Promise<CliResult>;
  config(catalog: string): string;
}

async function startCluster(t: { teardown: (fn: () => Promise<void> | void) => void }): Promise<Cluster> {
  // Every llama-server Nomad starts logs its buffer placement (verbosity 4 is where
  // llama.cpp reports on which device each buffer lives); raw_exec tasks inherit it.
  const real = await startRealNomad({ env: { LLAMA_ARG_LOG_VERBOSITY: '4' } });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-real-llama-'));
  t.teardown(async () => {
    await real.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { NOMAD_ADDR: real.nomadAddr, CONSUL_HTTP_ADDR: real.consulAddr };
  return {
    real,
    dir,
    hearth: (args) => runHearth(args, env, 300_000),
    config(catalog) {
      const path = join(dir, `hearth-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(path, stringifyYaml({ nomad: { addr: real.nomadAddr }, consul: { addr: real.consulAddr }, models: { catalog } }));
      return path;
    },
  };
}

function writeCatalog(dir: string, models: ReadonlyArray<{ name: string; gguf: string }>): string {
  const path = join(dir, `models-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringifyYaml({
    models: models.map((m) => ({ name: m.name, gguf: m.gguf, quantization: 'F32', context_length: 2048, memory_mb: 256, backend: 'llamacpp-rpc' })),
  }));
  return path;
}

/** Processes whose command line holds every one of `parts` (this machine's /proc). */
function processesWith(parts: readonly string[]): Array<{ pid: number; argv: string[] }> {
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      if (parts.every((p) => argv.includes(p))) found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? 0 : Number(m[1]) / 1024;
  } catch {
    return 0;
  }
}

async function eventually<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve().then(read).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function nomad<T>(real: RealNomad, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${real.nomadAddr}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Scales a group through Nomad's API, waiting out a deployment that blocks it. */
async function scaleGroup(real: RealNomad, job: string, group: string, count: number): Promise<void> {
  await eventually(`${job}/${group} to accept a scale to ${count}`, async () => {
    const res = await fetch(`${real.nomadAddr}/v1/job/${job}/scale`, {
      method: 'POST',
      body: JSON.stringify({ Count: count, Target: { Group: group }, Message: 'real tier: worker pool change' }),
      signal: AbortSignal.timeout(10_000),
    });
    return res.ok ? true : undefined;
  }, 120_000);
}

async function serverStderr(real: RealNomad, job: string): Promise<string> {
  const server = await serverAlloc(real, job);
  if (server === undefined) return '';
  const res = await fetch(`${real.nomadAddr}/v1/client/fs/logs/${server}?task=llama-server&type=stderr&origin=start&plain=true`, { signal: AbortSignal.timeout(10_000) });
  return res.ok ? await res.text() : '';
}

async function serverAlloc(real: RealNomad, job: string): Promise<string | undefined> {
  const allocs = (await nomad<Array<{ ID: string; TaskGroup: string; ClientStatus: string; CreateIndex: number }>>(real, `/v1/job/${job}/allocations`)).body;
  return allocs.filter((a) => a.TaskGroup === 'server' && a.ClientStatus === 'running').sort((a, b) => b.CreateIndex - a.CreateIndex)[0]?.ID;
}

/** What Nomad's template rendered into the server's local/rpc-workers.env (for failure messages). */
async function renderedWorkers(real: RealNomad, job: string): Promise<string> {
  const alloc = await serverAlloc(real, job);
  if (alloc === undefined) return '(no running server allocation)';
  const res = await fetch(`${real.nomadAddr}/v1/client/fs/cat/${alloc}?path=llama-server/local/rpc-workers.env`, { signal: AbortSignal.timeout(10_000) });
  return `${res.status} ${await res.text()}`;
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

async function chat(apiPort: number, stream: boolean): Promise<Response> {
  return await fetch(`http://127.0.0.1:${apiPort}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello.' }], max_tokens: 8, stream }),
    signal: AbortSignal.timeout(60_000),
  });
}

realTest(`prima-expert on real Nomad skips a missing model, serves the next through a real RPC worker from Consul, and follows the pool`, async (t) => {
  t.timeout(600_000);
  const llama = requireLlamaCpp();
  const cluster = await startCluster(t);
  // About 11 MB of weights: enough to see them arrive in the worker's memory.
  const model = await tinyModel({ embd: 256, layers: 4 });
  const catalog = writeCatalog(cluster.dir, [{ name: 'missing-f32', gguf: join(cluster.dir, 'missing', 'absent.gguf') }, { name: 'tiny-f32', gguf: model }]);
  const [apiPort, rpcPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  t.teardown(() => {
    // Whatever Nomad left running on this test's ports (it never should).
    for (const p of [...processesWith(['--port', String(apiPort)]), ...processesWith(['-p', String(rpcPort)])]) process.kill(p.pid, 'SIGKILL');
  });

  const run = await cluster.hearth([
    'jobs', 'run', 'prima-expert', '--config', cluster.config(catalog),
    '--var', 'job_name=real-expert', '--var', 'service_name=prima-api-real', '--var', 'model_list=missing-f32,tiny-f32',
    '--var', 'worker_count=1', '--var', `api_port=${apiPort}`, '--var', `rpc_port=${rpcPort}`,
    '--var', `llama_server_bin=${llama.llamaServer}`, '--var', `rpc_server_bin=${llama.rpcServer}`,
    '--var', 'check_interval_s=1', '--var', 'health_grace_s=5', '--var', 'kill_timeout_s=5',
    '--timeout', '45s',
  ]);
  t.log(run.stdout.trim());
  t.is(run.code, 0, run.stderr + run.stdout);
  t.regex(run.stdout, /model missing-f32 did not become healthy .*; trying tiny-f32/);
  t.regex(run.stdout, /real-expert is healthy with model tiny-f32/);

  // The template rendered the healthy worker from Consul into --rpc.
  const worker = `127.0.0.1:${rpcPort}`;
  const server = await eventually('llama-server started with --rpc', () => processesWith([llama.llamaServer, '--port', String(apiPort), '--rpc', worker])[0], 60_000).catch(async (err: unknown) => {
    t.log(`llama-server processes: ${JSON.stringify(processesWith([llama.llamaServer]).map((p) => p.argv))}`);
    t.log(`rendered workers: ${await renderedWorkers(cluster.real, 'real-expert')}`);
    t.log(`Nomad's Consul warnings:\n${cluster.real.consulProblems().join('\n')}`);
    throw err;
  });
  t.true(server.argv.includes('--n-gpu-layers'));
  const rpcProc = processesWith([llama.rpcServer, '-p', String(rpcPort)])[0];
  t.truthy(rpcProc, 'the RPC worker runs under Nomad');

  // The weights are on the worker: llama-server says so, and the worker's memory shows it.
  const placed = await eventually('llama-server to report its buffer on the worker', async () => {
    const m = new RegExp(`RPC0\\[${worker.replace(/\./g, '\\.')}\\] model buffer size =\\s+([\\d.]+) MiB`).exec(await serverStderr(cluster.real, 'real-expert'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  }, 60_000);
  t.true(placed > 8, `${placed} MiB on the worker`);
  const workerMiB = rssMiB(rpcProc?.pid ?? -1);
  t.true(workerMiB > placed, `worker resident memory ${workerMiB.toFixed(1)} MiB holds the ${placed} MiB of weights`);
  t.log(`llama-server placed ${placed} MiB of weights on the Nomad-run worker ${worker}; the worker's resident memory is ${workerMiB.toFixed(1)} MiB`);

  const plain = await eventually('a chat completion', async () => {
    const res = await chat(apiPort, false);
    return res.status === 200 ? ((await res.json()) as { choices: Array<{ message: { role: string } }>; timings: { predicted_n: number } }) : undefined;
  }, 60_000);
  t.is(plain.choices[0]?.message.role, 'assistant');
  t.true(plain.timings.predicted_n > 0);
  const streamed = await chat(apiPort, true);
  t.is(streamed.status, 200);
  const events = (await streamed.text()).split('\n').filter((l) => l.startsWith('data: '));
  t.is(events.at(-1), 'data: [DONE]');
  t.true(events.length > 2);

  // The pool shrinks: the worker is stopped and llama-server restarts on its own CPU.
  await scaleGroup(cluster.real, 'real-expert', 'workers', 0);
  await eventually('llama-server restarted without --rpc', () => {
    const now = processesWith([llama.llamaServer, '--port', String(apiPort)])[0];
    return now !== undefined && now.pid !== server.pid && !now.argv.includes('--rpc') ? now : undefined;
  }, 90_000);
  // Consul forgets the worker before Nomad kills it (shutdown_delay), so it may outlive the restart briefly.
  t.true(await eventually('the worker to exit', () => (processesWith([llama.rpcServer, '-p', String(rpcPort)]).length === 0 ? true : undefined), 60_000));
  const cpu = await eventually('a chat completion from the CPU alone', async () => ((await chat(apiPort, false)).status === 200 ? true : undefined), 60_000);
  t.true(cpu);
  const placementsBefore = count(await serverStderr(cluster.real, 'real-expert'), /RPC0\[[^\]]+\] model buffer size/);

  // The pool grows again: a new worker, and llama-server puts the weights back on it.
  await scaleGroup(cluster.real, 'real-expert', 'workers', 1);
  const again = await eventually('llama-server restarted with --rpc', () => processesWith([llama.llamaServer, '--port', String(apiPort), '--rpc', worker])[0], 90_000);
  t.not(again.pid, server.pid);
  await eventually('the weights placed on the new worker', async () => (count(await serverStderr(cluster.real, 'real-expert'), /RPC0\[[^\]]+\] model buffer size/) > placementsBefore ? true : undefined), 60_000);
  const back = await eventually('a chat completion through the new worker', async () => ((await chat(apiPort, false)).status === 200 ? true : undefined), 60_000);
  t.true(back);
  const newWorker = processesWith([llama.rpcServer, '-p', String(rpcPort)])[0];
  t.true(rssMiB(newWorker?.pid ?? -1) > placed, 'the new worker holds the weights');

  // hearth's own view agrees: one passing worker and one passing API.
  const status = await eventually('hearth jobs status to show the pool healthy', async () => {
    const res = await cluster.hearth(['jobs', 'status', 'real-expert', '--json']);
    const report = JSON.parse(res.stdout) as { services: Array<{ name: string; passing: number }> };
    const passing = Object.fromEntries(report.services.map((s) => [s.name, s.passing]));
    return passing['llamacpp-rpc-tiny-f32'] === 1 && passing['prima-api-real'] === 1 ? passing : undefined;
  }, 60_000);
  t.deepEqual(status, { 'llamacpp-rpc-tiny-f32': 1, 'prima-api-real': 1 });

  const stop = await cluster.hearth(['jobs', 'stop', 'real-expert', '--purge']);
  t.is(stop.code, 0, stop.stderr);
  await eventually('the servers to exit', () => (processesWith(['--port', String(apiPort)]).length + processesWith(['-p', String(rpcPort)]).length === 0 ? true : undefined), 60_000);
  const problems = cluster.real.consulProblems();
  if (problems.length > 0) t.log(`Nomad's Consul warnings (the simulator's to fix):\n${problems.join('\n')}`);
});

realTest(`benchmark on real Nomad runs real llama-bench on the tiny model and reports positive tokens/s`, async (t) => {
  t.timeout(300_000);
  const llama = requireLlamaCpp();
  const cluster = await startCluster(t);
  const catalog = writeCatalog(cluster.dir, [{ name: 'tiny-f32', gguf: await tinyModel() }]);
  const run = await cluster.hearth([
    'jobs', 'run', 'benchmark', '--json', '--config', cluster.config(catalog),
    '--var', 'job_name=real-bench', '--var', 'model=tiny-f32', '--var', `llama_bench_bin=${llama.llamaBench}`,
    '--var', 'n_prompt=32', '--var', 'n_gen=16', '--var', 'repetitions=2', '--var', 'threads=1', '--var', 'memory_mb=128',
    '--timeout', '120s',
  ]);
  t.is(run.code, 0, run.stderr + run.stdout);
  const report = JSON.parse(run.stdout) as { status: string; benchmark: { model: string; node: string; prompt: { tokens: number; tokensPerSecond: number }; generation: { tokens: number; tokensPerSecond: number } } };
  t.is(report.status, 'complete');
  t.is(report.benchmark.prompt.tokens, 32);
  t.is(report.benchmark.generation.tokens, 16);
  t.true(report.benchmark.prompt.tokensPerSecond > 0);
  t.true(report.benchmark.generation.tokensPerSecond > 0);
  t.is(report.benchmark.node, cluster.real.nodeName);
  t.log(`real llama-bench on ${report.benchmark.node}: prompt ${report.benchmark.prompt.tokensPerSecond.toFixed(0)} tokens/s, generation ${report.benchmark.generation.tokensPerSecond.toFixed(0)} tokens/s (tiny random model)`);
});
