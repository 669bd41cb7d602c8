// The agent benchmark in --quick mode prints every figure it promises. No
// speed is asserted here: figures are for people to read.
import test from 'ava';
import { spawn } from 'node:child_process';
import { repoPath } from '../../../agent/util/paths.js';

test('the agent benchmark in quick mode prints the machine and each part\'s figures', async (t) => {
  const child = spawn(process.execPath, [repoPath('dist', 'testing', 'bench', 'run.js'), 'agent', '--quick'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  t.teardown(() => {
    clearTimeout(timer);
    child.kill('SIGKILL');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, err);
  t.regex(out, /^machine: nproc \d+, cpu .+, kernel .+, node v\d+/m);
  t.regex(out, /agent RSS max \d+\.\d MB \(target <= 60 MB\), at rest \d+\.\d MB \(the largest in the window's second half\), at the window's end \d+\.\d MB; baseline bare node process \d+\.\d MB/);
  t.regex(out, /agent CPU \d+\.\d+% of one core/);
  t.regex(out, /services, \d+ s window; node --max-semi-space-size=1 --no-opt --optimize-for-size as the hearth unit runs it/);
  t.regex(out, /without Node\.js flags \(hearth agent by hand\): RSS max \d+\.\d MB \(at rest \d+\.\d MB, at the window's end \d+\.\d MB\), CPU \d+\.\d+%/);
  t.regex(out, /interpreter only, with --max-semi-space-size=1 --no-opt --optimize-for-size --no-maglev --no-sparkplug: RSS max \d+\.\d MB \(at rest \d+\.\d MB, at the window's end \d+\.\d MB\), CPU \d+\.\d+%/);
  // Measured where BPF can run (root), else the line says why not.
  t.regex(out, /with power management on(: not measured \(.+\)| \(target <= 60 MB at rest; monitor on the idle hrest[0-9a-f]+\), --max-semi-space-size=1 --no-opt --optimize-for-size: RSS max \d+\.\d MB \(at rest \d+\.\d MB, at the window's end \d+\.\d MB\), CPU \d+\.\d+%)/);
  t.regex(out, /hearth discovery \(blocking queries, in-process\) +p50 +[\d.]+ ms +p99 +[\d.]+ ms/);
  t.regex(out, /baseline: 1 s polling watcher +p50 +[\d.]+ ms/);
  t.regex(out, /baseline\/hearth: p50 [\d.]+x/);
  t.regex(out, /blocking query answer after a change +p50 +[\d.]+ ms +p99 +[\d.]+ ms/);
  t.regex(out, /blocking answer \/ plain read: p50 [\d.]+, p99 [\d.]+/);
  t.regex(out, /\(d\) Consul back .*\n +p50 [\d.]+ ms +max [\d.]+ ms/);
});
