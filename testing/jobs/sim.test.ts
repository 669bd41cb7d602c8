// hearth jobs run/status/stop and hearth heal against the simulator, with
// fake llama.cpp binaries doing the serving.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { createSilentLogger } from '../../agent/log.js';
import { connectClusterAt } from '../../agent/jobs-runner/connect.js';
import type { AllocationListStub, Job } from '../../agent/nomad/types.js';
import { repoPath } from '../../agent/util/paths.js';
import { FAKE_LLAMA_BENCH, FAKE_LLAMA_SERVER, FAKE_RPC_SERVER, pickPortBase, readFakeServerArgs, startJobsCluster } from './jobs-cluster.js';
import { waitFor } from '../support/wait-for.js';

const FAKE_LLAMA_BENCH_GARBAGE = repoPath('testing', 'fixtures', 'fake-llama-bench-garbage.mjs');
interface BenchRow { model_filename: string; n_prompt: number; n_gen: number; avg_ts: number; stddev_ts: number }
const BENCH_SAMPLE = JSON.parse(readFileSync(repoPath('testing', 'fixtures', 'fake-llama-bench', 'ok.json'), 'utf8')) as [BenchRow, BenchRow];

const FAST = ['--var', 'check_interval_s=1', '--var', 'health_grace_s=5', '--var', 'kill_timeout_s=2'];

function rpcPoolArgs(job: string, model: string, workers: number, base: number): string[] {
  return [
    'jobs', 'run', 'llamacpp-rpc',
    '--var', `job_name=${job}`, '--var', `model=${model}`, '--var', `model_path=/srv/models/${model}.gguf`,
    '--var', `expert=${job}`, '--var', `worker_count=${workers}`,
    '--var', `rpc_port=${base + 52}`, '--var', `api_port=${base + 80}`,
    '--var', `llama_server_bin=${FAKE_LLAMA_SERVER}`, '--var', `rpc_server_bin=${FAKE_RPC_SERVER}`,
    '--var', 'server_memory_mb=256', '--var', 'worker_memory_mb=128',
    ...FAST, '--timeout', '60s',
  ];
}

async function serverAddress(sim: { nomadAddr: string; consulAddr: string }, service: string): Promise<string | undefined> {
  const response = await fetch(`${sim.consulAddr}/v1/health/service/${service}?passing=true`);
  const entries = (await response.json()) as Array<{ Service: { Address: string; Port: number } }>;
  const first = entries[0];
  return first === undefined ? undefined : `${first.Service.Address}:${first.Service.Port}`;
}

test('an rpc pool runs one worker per node and the server picks all of them up through the template', async (t) => {
  const sim = await startJobsCluster(t);
  const base = pickPortBase();
  const run = await sim.hearth(rpcPoolArgs('pool-a', 'tiny', 3, base));
  t.is(run.code, 0, run.stderr + run.stdout);
  t.regex(run.stdout, /pool-a is healthy/);

  const cluster = connectClusterAt(sim, createSilentLogger());
  t.teardown(() => cluster.close());
  const allocs: AllocationListStub[] = await cluster.jobs.allocations('pool-a');
  const workerNodes = allocs.filter((a) => a.TaskGroup === 'workers' && a.ClientStatus === 'running').map((a) => a.NodeID);
  t.is(workerNodes.length, 3);
  t.is(new Set(workerNodes).size, 3, 'distinct_hosts spreads the workers over the three nodes');

  // The server restarts when its template re-renders with a new worker list, so it can be critical for a moment.
  const address = await waitFor('the server passing in Consul', () => serverAddress(sim, 'prima-api-pool-a'), { timeoutMs: 30_000, intervalMs: 200 });
  t.truthy(address);
  const args = await waitFor('llama-server to report three RPC workers', async () => {
    const reported = await readFakeServerArgs(address ?? '');
    return reported.rpc.length === 3 ? reported : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  t.is(args?.rpc.length, 3, 'llama-server runs with --rpc listing the three healthy workers');
  t.deepEqual(new Set(args?.rpc.map((w) => w.split(':')[1])), new Set([String(base + 52)]));

  const status = await sim.hearth(['jobs', 'status', 'pool-a', '--json']);
  t.is(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { services: Array<{ name: string; passing: number }>; allocations: unknown[] };
  t.deepEqual(report.services.map((s) => [s.name, s.passing]).sort(), [['llamacpp-rpc-tiny', 3], ['prima-api-pool-a', 1]]);
  t.is(report.allocations.length, 4);

  const stop = await sim.hearth(['jobs', 'stop', 'pool-a', '--purge']);
  t.is(stop.code, 0, stop.stderr);
  t.is(await cluster.jobs.read('pool-a'), undefined);
});

test('with no worker the server serves from the CPU instead of crash-looping', async (t) => {
  const sim = await startJobsCluster(t);
  const base = pickPortBase();
  const run = await sim.hearth(rpcPoolArgs('pool-cpu', 'tiny', 0, base));
  t.is(run.code, 0, run.stderr + run.stdout);
  const address = await serverAddress(sim, 'prima-api-pool-cpu');
  const args = await readFakeServerArgs(address ?? '');
  t.deepEqual(args.rpc, []);
  t.false(args.argv.includes('--rpc'));
  const reply = await fetch(`http://${address ?? ''}/v1/chat/completions`, { method: 'POST', body: '{"messages":[]}' });
  t.is(reply.status, 200);
});

test('prima-expert falls back to the second model when the first never turns healthy', async (t) => {
  const sim = await startJobsCluster(t);
  const base = pickPortBase();
  const catalog = sim.writeFile('models.yaml', [
    'models:',
    '  - {name: broken-q4, gguf: /srv/models/broken-q4.gguf, quantization: Q4_0, context_length: 2048, memory_mb: 128, backend: llamacpp-rpc}',
    '  - {name: good-q4, gguf: /srv/models/good-q4.gguf, quantization: Q4_0, context_length: 2048, memory_mb: 128, backend: llamacpp-rpc}',
    'test_models: [broken-q4, good-q4]',
    '',
  ].join('\n'));
  const config = sim.writeConfig('hearth.yaml', { models: { catalog } });
  const run = await sim.hearth([
    'jobs', 'run', 'prima-expert', '--config', config,
    '--var', 'job_name=fallback-expert', '--var', 'service_name=prima-api-fallback', '--var', 'model_list=broken-q4,good-q4',
    '--var', 'worker_count=0', '--var', `api_port=${base + 80}`, '--var', `rpc_port=${base + 52}`,
    '--var', `llama_server_bin=${FAKE_LLAMA_SERVER}`, '--var', `rpc_server_bin=${FAKE_RPC_SERVER}`,
    ...FAST, '--timeout', '8s',
  ]);
  t.is(run.code, 0, run.stderr + run.stdout);
  t.regex(run.stdout, /model broken-q4 did not become healthy .*; trying good-q4/);
  t.regex(run.stdout, /fallback-expert is healthy with model good-q4/);
  const cluster = connectClusterAt(sim, createSilentLogger());
  t.teardown(() => cluster.close());
  const job: Job | undefined = await cluster.jobs.read('fallback-expert');
  t.is(job?.Meta?.['hearth-model'], 'good-q4');
});

test('hearth heal creates missing core jobs and a second run registers nothing', async (t) => {
  const sim = await startJobsCluster(t);
  const base = pickPortBase();
  const coreJobs = [
    { template: 'benchmark', vars: { job_name: 'core-bench', model: 'qwen2-5-coder-1-5b-q8', llama_bench_bin: '/bin/true', memory_mb: 64 } },
    {
      template: 'llamacpp-rpc',
      vars: { job_name: 'core-pool', model: 'tiny', model_path: '/srv/models/tiny.gguf', expert: 'core', worker_count: 2, rpc_port: base + 52, api_port: base + 80, llama_server_bin: FAKE_LLAMA_SERVER, rpc_server_bin: FAKE_RPC_SERVER, server_memory_mb: 256, worker_memory_mb: 128, check_interval_s: 1, health_grace_s: 5, kill_timeout_s: 2 },
    },
  ];
  const config = sim.writeConfig('hearth.yaml', { heal: { coreJobs } });
  const cluster = connectClusterAt(sim, createSilentLogger());
  t.teardown(() => cluster.close());

  const first = await sim.hearth(['heal', '--json', '--config', config]);
  t.is(first.code, 0, first.stderr);
  const firstReport = JSON.parse(first.stdout) as { registrations: number; outcomes: Array<{ jobId: string; action: string }> };
  t.deepEqual(firstReport.outcomes.map((o) => o.action), ['created', 'created']);
  const versions = await Promise.all(['core-bench', 'core-pool'].map(async (id) => (await cluster.jobs.read(id))?.Version));

  const second = await sim.hearth(['heal', '--json', '--config', config]);
  t.is(second.code, 0, second.stderr);
  const secondReport = JSON.parse(second.stdout) as { registrations: number; outcomes: Array<{ action: string }> };
  t.is(secondReport.registrations, 0);
  t.deepEqual(secondReport.outcomes.map((o) => o.action), ['unchanged', 'unchanged']);
  t.deepEqual(await Promise.all(['core-bench', 'core-pool'].map(async (id) => (await cluster.jobs.read(id))?.Version)), versions);

  const changed = sim.writeConfig('changed.yaml', { heal: { coreJobs: [coreJobs[0], { ...coreJobs[1], vars: { ...coreJobs[1]?.vars, worker_count: 3 } }] } });
  const third = await sim.hearth(['heal', '--json', '--config', changed]);
  t.deepEqual((JSON.parse(third.stdout) as { outcomes: Array<{ action: string }> }).outcomes.map((o) => o.action), ['unchanged', 'updated']);
});

test('prima-expert skips a model that fits no node\'s memory and deploys the next one', async (t) => {
  const sim = await startJobsCluster(t);
  const base = pickPortBase();
  const catalog = sim.writeFile('models.yaml', [
    'models:',
    '  - {name: huge-q4, gguf: /srv/models/huge-q4.gguf, quantization: Q4_0, context_length: 2048, memory_mb: 500000, backend: llamacpp-rpc}',
    '  - {name: small-q4, gguf: /srv/models/small-q4.gguf, quantization: Q4_0, context_length: 2048, memory_mb: 128, backend: llamacpp-rpc}',
    'test_models: [huge-q4, small-q4]',
    '',
  ].join('\n'));
  const config = sim.writeConfig('hearth.yaml', { models: { catalog } });
  const run = await sim.hearth([
    'jobs', 'run', 'prima-expert', '--config', config,
    '--var', 'job_name=fit-expert', '--var', 'service_name=prima-api-fit', '--var', 'model_list=huge-q4,small-q4',
    '--var', 'worker_count=0', '--var', `api_port=${base + 81}`, '--var', `rpc_port=${base + 53}`,
    '--var', `llama_server_bin=${FAKE_LLAMA_SERVER}`, '--var', `rpc_server_bin=${FAKE_RPC_SERVER}`,
    ...FAST, '--timeout', '30s',
  ]);
  t.is(run.code, 0, run.stderr + run.stdout);
  t.regex(run.stdout, /model huge-q4 did not become healthy \(no node could place group server \(memory\)\); trying small-q4/);
  t.regex(run.stdout, /fit-expert is healthy with model small-q4/);
});

test('a benchmark job runs to completion and prints the tokens/s of its output, and a crashing one fails with its task events', async (t) => {
  const sim = await startJobsCluster(t);
  const ok = await sim.hearth(['jobs', 'run', 'benchmark', '--var', 'job_name=bench-ok', '--var', 'model=qwen2-5-coder-1-5b-q8', '--var', `llama_bench_bin=${FAKE_LLAMA_BENCH}`, '--var', 'node=node-2', '--timeout', '60s']);
  t.is(ok.code, 0, ok.stderr + ok.stdout);
  t.regex(ok.stdout, /bench-ok is complete/);
  t.regex(ok.stdout, /alloc \w+ bench on node-2: complete/);
  // The figures of testing/fixtures/fake-llama-bench/ok.json, read back from the allocation's stdout.
  const [promptRow, genRow] = BENCH_SAMPLE;
  t.regex(ok.stdout, /^prompt 512 tokens: 26\.1 tokens\/s \(±0\.28\); generation 128 tokens: 4\.5 tokens\/s \(±0\.015\)$/m);

  const json = await sim.hearth(['jobs', 'run', 'benchmark', '--json', '--var', 'job_name=bench-json', '--var', 'model=qwen2-5-coder-1-5b-q8', '--var', `llama_bench_bin=${FAKE_LLAMA_BENCH}`, '--timeout', '60s']);
  t.is(json.code, 0, json.stderr + json.stdout);
  const report = JSON.parse(json.stdout) as { status: string; benchmark: { allocId: string; model: string; prompt: { tokens: number; tokensPerSecond: number; stddev: number }; generation: { tokens: number; tokensPerSecond: number; stddev: number } } };
  t.is(report.status, 'complete');
  t.is(report.benchmark.model, promptRow.model_filename);
  t.deepEqual(report.benchmark.prompt, { tokens: promptRow.n_prompt, tokensPerSecond: promptRow.avg_ts, stddev: promptRow.stddev_ts });
  t.deepEqual(report.benchmark.generation, { tokens: genRow.n_gen, tokensPerSecond: genRow.avg_ts, stddev: genRow.stddev_ts });
  t.regex(report.benchmark.allocId, /^[0-9a-f-]{36}$/);
  t.regex(json.stderr, /bench-json is complete/);

  const garbage = await sim.hearth(['jobs', 'run', 'benchmark', '--var', 'job_name=bench-garbage', '--var', 'model=qwen2-5-coder-1-5b-q8', '--var', `llama_bench_bin=${FAKE_LLAMA_BENCH_GARBAGE}`, '--timeout', '60s']);
  t.is(garbage.code, 1, garbage.stdout);
  t.regex(garbage.stdout, /alloc \w+ bench on node-\d: complete/);
  t.notRegex(garbage.stdout, /tokens\/s/);
  t.regex(garbage.stderr, /Benchmark bench-garbage ran, but allocation [0-9a-f]{8} \(bench on node-\d\) gave no result: llama-bench output could not be used: no JSON array in the output\. Output began: "main: error: unable to load model/);

  const crash = await sim.hearth(['jobs', 'run', 'benchmark', '--var', 'job_name=bench-crash', '--var', 'model=qwen2-5-coder-1-5b-q8', '--var', 'llama_bench_bin=/bin/false', '--timeout', '60s']);
  t.is(crash.code, 1, crash.stdout);
  t.regex(crash.stderr, /Job bench-crash failed: allocation .* failed/);
  t.regex(crash.stderr, /llama-bench: Terminated/);
});
