// Sandbox start to the first line of Python output: the code runner's
// bubblewrap argv (namespaces, prlimit, python -I reading the code on stdin)
// against a bare `python3 -I -` given the same code the same way, runs
// interleaved so both see the same machine load.
import { spawn } from 'node:child_process';
import { configSchema } from '../../../agent/config/schema.js';
import { limitsFor, sandboxArgv } from '../../../agent/tools/code-runner.js';
import { runSandboxed } from '../../../agent/tools/sandbox/run-sandboxed.js';
import { percentile } from '../agent/stats.js';

const CODE = 'print("ready", flush=True)\n';

function bareFirstLine(python: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(python, ['-I', '-'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!done && chunk.includes(10)) { done = true; resolve(performance.now() - started); }
    });
    child.once('error', reject);
    child.once('close', () => { if (!done) reject(new Error('no output from python')); });
    child.stdin.end(CODE);
  });
}

async function sandboxFirstLine(): Promise<number> {
  const config = configSchema().parse({ tools: { codeRunner: { backend: 'bubblewrap' } } }).tools.codeRunner;
  const limits = limitsFor(config);
  const { argv } = sandboxArgv({ config }, limits);
  let firstLineMs = Number.NaN;
  const started = performance.now();
  const outcome = await runSandboxed(argv, CODE, limits, {
    signal: new AbortController().signal,
    runAs: { uid: 65534, gid: 65534 },
    onFirstLine: () => { firstLineMs = performance.now() - started; },
  });
  if (outcome.exitCode !== 0 || Number.isNaN(firstLineMs)) throw new Error(`the sandbox failed: ${outcome.stderr}`);
  return firstLineMs;
}

export async function benchSandboxStart(runs: number): Promise<void> {
  const config = configSchema().parse({}).tools.codeRunner;
  await sandboxFirstLine();
  await bareFirstLine(config.python);
  const sandbox: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    sandbox.push(await sandboxFirstLine());
    bare.push(await bareFirstLine(config.python));
  }
  const line = (name: string, values: number[]) => `  ${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(1)} ms  p95 ${percentile(values, 95).toFixed(1)} ms  (${values.length} runs)`;
  const p50 = percentile(sandbox, 50);
  const base = percentile(bare, 50);
  process.stdout.write([
    'sandbox start to first line of Python output (target: bubblewrap p50 <= 300 ms)',
    line('bubblewrap + prlimit + python3 -I', sandbox),
    line('baseline: bare python3 -I', bare),
    `  sandbox adds ${(p50 - base).toFixed(1)} ms at p50 (${(p50 / base).toFixed(2)}x the baseline); target ${p50 <= 300 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'));
}
