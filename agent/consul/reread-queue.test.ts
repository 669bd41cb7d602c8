import test from 'ava';
import { createRereadQueue } from './reread-queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('at most `concurrency` reads run at once; a name asked for during its read is read once more', async (t) => {
  const controller = new AbortController();
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const started: string[] = [];
  let active = 0;
  let peak = 0;
  const queue = createRereadQueue({
    concurrency: 2,
    signal: controller.signal,
    onError: () => t.fail('no error expected'),
    read: async (name) => {
      started.push(name);
      active += 1;
      peak = Math.max(peak, active);
      const gate = deferred();
      gates.set(name, gate);
      await gate.promise;
      active -= 1;
    },
  });
  for (const name of ['a', 'b', 'c', 'a']) queue.request(name);
  t.deepEqual(started, ['a', 'b']);
  gates.get('a')?.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  // "a" was asked for again while in flight: after "c" (queued first) it is read again.
  t.deepEqual(started, ['a', 'b', 'c']);
  gates.get('b')?.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(started, ['a', 'b', 'c', 'a']);
  gates.get('c')?.resolve();
  gates.get('a')?.resolve();
  await queue.idle();
  t.is(peak, 2);
});

test('a failed read is reported and retried after a backoff; forget drops a queued name', async (t) => {
  const controller = new AbortController();
  const errors: unknown[] = [];
  const reads: string[] = [];
  const queue = createRereadQueue({
    concurrency: 1,
    signal: controller.signal,
    backoff: { baseMs: 5, capMs: 10 },
    onError: (err) => errors.push(err),
    read: async (name) => {
      reads.push(name);
      if (name === 'x' && reads.filter((n) => n === 'x').length === 1) throw new Error('boom');
    },
  });
  queue.request('x');
  queue.request('gone');
  queue.forget('gone');
  while (reads.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  await queue.idle();
  t.deepEqual(reads, ['x', 'x']);
  t.is(errors.length, 1);
  controller.abort();
  queue.request('late');
  await queue.idle();
  t.deepEqual(reads, ['x', 'x']);
});
