// The power benchmark's quick mode runs end to end (CI smoke test; figures are not judged here).
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoPath } from '../../agent/util/paths.js';
import { bpfSkipReason } from '../bpf/helpers.js';
import { skipAll } from '../support/skip.js';

const run = promisify(execFile);
const skip = bpfSkipReason();

if (!skipAll('the power benchmark smoke run', skip)) {
  test('the power benchmark runs in quick mode and reports every figure with its machine', async (t) => {
    const { stdout } = await run(process.execPath, [repoPath('dist', 'testing', 'bench', 'power', 'main.js'), '--quick'], { timeout: 600_000, maxBuffer: 16 << 20 });
    t.regex(stdout, /^machine: nproc=\d+, cpu=/m);
    t.regex(stdout, /first SYN -> scale request: +p50 [\d.]+ ms +p99 [\d.]+ ms +\(n=3;/);
    t.regex(stdout, /baseline, the service's own start .* p50 [\d.]+ ms/);
    t.regex(stdout, /refused, reset or hung \(no answer in 30 s\) clients: 0 of 9/);
    t.regex(stdout, /power on: +RSS at rest [\d.]+ MB \(the largest in the window's second half; target <= 60 MB: (met|MISSED)\)/);
    t.regex(stdout, /RSS max [\d.]+ MB over the whole window, start-up included \((met|MISSED)\)/);
    t.regex(stdout, /power on, one sample every 10 s \(MB\): [\d.]+/);
    t.regex(stdout, /watching 10 idle services \(monitor \+ manager\): [\d.]+% of one core/);
  });
}
