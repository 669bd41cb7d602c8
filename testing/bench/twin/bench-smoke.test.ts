// The twin benchmark in --quick mode prints every figure it promises, each
// beside its baseline. No speed is asserted here: figures are for people.
import test from 'ava';
import { spawn } from 'node:child_process';
import { repoPath } from '../../../agent/util/paths.js';

test('the twin benchmark in quick mode prints the machine, the expert it used and each figure with its baseline', async (t) => {
  const child = spawn(process.execPath, [repoPath('dist', 'testing', 'bench', 'run.js'), 'twin', '--quick'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  t.teardown(() => {
    clearTimeout(timer);
    child.kill('SIGKILL');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, err);
  t.regex(out, /^machine: nproc \d+, cpu .+, kernel .+, node v\d+/m);
  t.regex(out, /^expert: (llama-server .*tiny random-weight model|scripted OpenAI-compatible server)/m);
  t.regex(out, /straight to the expert \(baseline, openai client\) +p50 +[\d.]+ ms +p99 +[\d.]+ ms/);
  t.regex(out, /through the twin \(its own process: HTTP API \+ SSE\) +p50 +[\d.]+ ms/);
  t.regex(out, /added = twin - baseline: p50 -?[\d.]+ ms \(target <= 5 ms\), p99 -?[\d.]+ ms \(target <= 15 ms\)/);
  t.regex(out, /tokens\/s, answers of up to \d+ tokens .*: straight \d+, through the twin \d+: [\d.]+% of direct/);
  t.regex(out, /tokens per answer: straight \d+, through the twin \d+; .* \d+ delta events per answer/);
  t.regex(out, /paired \(twin \/ the direct run beside it\), \d+ pairs: p50 [\d.]+%/);
  t.regex(out, /CPU per token: client straight [\d.]+ us, client through the twin [\d.]+ us, twin process [\d.]+ us/);
  t.regex(out, /^load average at start: [\d.]+ [\d.]+ [\d.]+/m);
  t.regex(out, /first-stage \(keyword\) routing decision, \d+ questions +p50 +[\d.]+ us +p99 +[\d.]+ us/);
  t.regex(out, /baseline: a router-model call answered instantly/);
  t.regex(out, /search among 100000 .* p50 +[\d.]+ ms +p99 +[\d.]+ ms/);
  t.regex(out, /baseline: exact cosine scan of every vector \(JS\)/);
  t.regex(out, /the exact nearest memory is among the search's top 5 for \d+ of \d+ queries/);
});
