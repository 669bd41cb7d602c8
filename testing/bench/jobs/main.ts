// Benchmarks of hearth's job tooling. Not a timed test: prints the machine,
// figures and ratios against a baseline measured in the same run.
//   node dist/testing/bench/jobs/main.js [--runs N] [--jobs N] [--skip-heal]
// 1. `hearth jobs render` of every template, process start included, against
//    `node -e 0` (bare process start), runs interleaved; and one render through
//    the compiled modules, to show what the bundle (npm run build) saves.
// 2. `hearth heal` over N unchanged core jobs against the simulator: registrations
//    and wall time, against blind re-submission of all N (what a playbook does).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { stringifyYaml as toYaml } from '../../../agent/util/yaml.js';
import { repoPath } from '../../../agent/util/paths.js';
import { COMPILED_PATH, bundleState } from '../../../agent/cli/entry-choice.js';
import { createSilentLogger } from '../../../agent/log.js';
import { connectClusterAt } from '../../../agent/jobs-runner/connect.js';
import { healCoreJobs, renderCoreJobs } from '../../../agent/jobs-runner/heal.js';
import { loadCatalog, defaultCatalogPath } from '../../../agent/models/load.js';
import { describeMachine } from './machine.js';
import { timeProcessAsync, timeProcessesInterleaved, type Timing } from './spawn-timing.js';

const RENDER_VARS: Record<string, string[]> = {
  'llamacpp-rpc': ['job_name=pool-a', 'model=tiny', 'model_path=/srv/models/tiny.gguf', 'expert=general'],
  'vllm-expert': ['job_name=gpu-a', 'expert=gpu', 'model=qwen', 'model_repo=Qwen/Qwen2.5-7B-Instruct'],
  'prima-expert': ['job_name=coding-expert', 'service_name=prima-api-coding', 'model_list=qwen2-5-coder-7b-q4,qwen2-5-coder-1-5b-q8'],
  benchmark: ['job_name=bench-a', 'model=qwen2-5-coder-1-5b-q8'],
};

function format(t: Timing): string {
  return `median ${t.medianMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)}, ${t.runs} runs)`;
}

/** What bin/hearth.js runs for `jobs render` (agent/cli/entry-choice.ts). */
function describeEntry(): string {
  const state = bundleState();
  if (state === 'fresh') return 'the bundle dist/cli/hearth.js';
  return state === 'missing' ? 'the compiled modules (no bundle: run npm run build)' : 'the compiled modules (the bundle is older than the last compile: run npm run build)';
}

function benchRender(runs: number): void {
  const cwd = repoPath();
  const renderArgs = (entry: string, template: string) => [entry, 'jobs', 'render', template, ...(RENDER_VARS[template] ?? []).flatMap((v) => ['--var', v]), '-o', '/dev/null'];
  const templates = Object.keys(RENDER_VARS);
  const specs = [
    { command: process.execPath, args: ['-e', '0'] },
    ...templates.map((template) => ({ command: process.execPath, args: renderArgs(repoPath('bin', 'hearth.js'), template) })),
    // The same render without the bundle, for comparison.
    { command: process.execPath, args: renderArgs(COMPILED_PATH, 'prima-expert') },
  ];
  const [baseline, ...timings] = timeProcessesInterleaved(specs, runs, cwd);
  if (baseline === undefined) return;
  process.stdout.write(`\n## hearth jobs render (target <= 300 ms per render, process start included; runs interleaved)\n`);
  process.stdout.write(`bin/hearth.js runs ${describeEntry()}\n`);
  process.stdout.write(`baseline node -e 0: ${format(baseline)}\n`);
  const line = (label: string, timing: Timing) =>
    `${label} ${format(timing)}  ratio vs baseline ${(timing.medianMs / baseline.medianMs).toFixed(2)}x  ${timing.medianMs <= 300 ? 'within' : 'OVER'} target\n`;
  templates.forEach((template, i) => {
    const timing = timings[i];
    if (timing !== undefined) process.stdout.write(line(`render ${template.padEnd(13)}`, timing));
  });
  const compiled = timings[templates.length];
  if (compiled !== undefined) process.stdout.write(line('render prima-expert via dist/agent/main.js (no bundle)', compiled));
}

function buildCoreJobs(count: number): Array<{ template: string; vars: Record<string, unknown> }> {
  // Cheap batch jobs: a benchmark whose "llama-bench" is /bin/true completes at once.
  return Array.from({ length: count }, (_, i) => ({ template: 'benchmark', vars: { job_name: `core-${String(i).padStart(2, '0')}`, model: 'qwen2-5-coder-1-5b-q8', llama_bench_bin: '/bin/true', memory_mb: 64 } }));
}

async function benchHeal(count: number): Promise<void> {
  const { startSimCluster } = await import('../../support/sim-harness.js');
  const sim = await startSimCluster({ nodes: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-jobs-'));
  try {
    const { nomadAddr, consulAddr } = sim;
    const log = createSilentLogger();
    const cluster = connectClusterAt({ nomadAddr, consulAddr }, log);
    const entries = buildCoreJobs(count);
    const ctx = { catalog: loadCatalog(defaultCatalogPath()) };
    await healCoreJobs({ jobs: cluster.jobs, log }, entries, ctx);
    const config = join(dir, 'hearth.yaml');
    writeFileSync(config, toYaml({ nomad: { addr: nomadAddr }, consul: { addr: consulAddr }, heal: { coreJobs: entries } }));
    process.stdout.write(`\n## hearth heal over ${count} unchanged core jobs (simulator, 3 nodes; targets: 0 registrations, <= 2 s)\n`);

    const healStart = process.hrtime.bigint();
    const outcomes = await healCoreJobs({ jobs: cluster.jobs, log }, entries, ctx);
    const healMs = Number(process.hrtime.bigint() - healStart) / 1e6;
    const cli = await timeProcessAsync(process.execPath, [repoPath('bin', 'hearth.js'), 'heal', '--config', config], 3, repoPath());
    const registrations = outcomes.filter((o) => o.action !== 'unchanged').length;

    const before = await Promise.all(entries.map(async (_, i) => (await cluster.jobs.read(`core-${String(i).padStart(2, '0')}`))?.Version ?? -1));
    const blindStart = process.hrtime.bigint();
    for (const job of renderCoreJobs(entries, ctx)) await cluster.jobs.register(job);
    const blindMs = Number(process.hrtime.bigint() - blindStart) / 1e6;
    const after = await Promise.all(entries.map(async (_, i) => (await cluster.jobs.read(`core-${String(i).padStart(2, '0')}`))?.Version ?? -1));
    const bumped = after.filter((v, i) => v !== before[i]).length;

    process.stdout.write(`heal (in process):     ${registrations} registrations, ${healMs.toFixed(1)} ms  ${registrations === 0 && healMs <= 2000 ? 'within' : 'OVER'} target\n`);
    process.stdout.write(`hearth heal (process): ${format(cli)}\n`);
    process.stdout.write(`baseline blind re-submit of all ${count}: ${count} registrations, ${blindMs.toFixed(1)} ms, ${bumped} job versions changed\n`);
    process.stdout.write(`ratio heal/blind wall time: ${(healMs / blindMs).toFixed(2)}x; registrations ${registrations} vs ${count}\n`);
    await cluster.close();
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '10' }, jobs: { type: 'string', default: '20' }, 'skip-heal': { type: 'boolean', default: false } }, strict: true });
  process.stdout.write(`${describeMachine()}\n`);
  benchRender(Math.max(10, Number(values.runs)));
  if (!values['skip-heal']) await benchHeal(Number(values.jobs));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(process.argv.slice(2));
}
