import test from 'ava';
import { runLines } from './run-lines.js';

const base = { cwd: '/', env: {}, timeoutMs: 10_000, outputLimit: 10_000 };

test('every line of stdout and stderr reaches the callback, and the exit code is kept', async (t) => {
  const lines: string[] = [];
  const outcome = await runLines('sh', ['-c', 'echo one; echo two >&2; printf three; exit 3'], { ...base, signal: new AbortController().signal, onLine: (l) => lines.push(l) });
  // Two pipes: the order between stdout and stderr is the kernel's, so only the set is fixed.
  t.deepEqual([...lines].sort(), ['one', 'three', 'two']);
  t.is(outcome.exitCode, 3);
  t.false(outcome.timedOut);
  t.is(outcome.output.length, 'one\ntwo\nthree'.length);
});

test('an argument is passed as one argv entry, never through a shell', async (t) => {
  const outcome = await runLines('printf', ['%s', '; echo injected'], { ...base, signal: new AbortController().signal });
  t.is(outcome.output, '; echo injected');
});

test('the timeout ends the whole process group, children included', async (t) => {
  const started = Date.now();
  const outcome = await runLines('sh', ['-c', 'sleep 30 & sleep 30; wait'], { ...base, timeoutMs: 300, signal: new AbortController().signal });
  t.true(outcome.timedOut);
  t.true(Date.now() - started < 10_000);
});

test('an abort ends the run', async (t) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const outcome = await runLines('sleep', ['30'], { ...base, signal: controller.signal });
  t.false(outcome.timedOut);
  t.not(outcome.exitCode, 0);
});

test('a program that does not exist is a catalog error naming it', async (t) => {
  await t.throwsAsync(runLines('/nonexistent/ansible-playbook', [], { ...base, signal: new AbortController().signal }), { message: /Cannot start \/nonexistent\/ansible-playbook/ });
});
