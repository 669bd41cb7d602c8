import test from 'ava';
import { createSilentLogger } from '../log.js';
import { createBlockingLoop } from './blocking-loop.js';

test('each new index is handed on once, an index that goes backwards starts over, and a failure backs off and retries', async (t) => {
  const answers: ({ data: string; index: number } | Error)[] = [
    { data: 'a', index: 5 },
    { data: 'a', index: 5 },
    { data: 'b', index: 7 },
    new Error('gone'),
    { data: 'c', index: 2 },
  ];
  const asked: number[] = [];
  const seen: string[] = [];
  const errors: string[] = [];
  const sleeps: number[] = [];
  let release!: () => void;
  const finished = new Promise<void>((resolve) => (release = resolve));
  const loop = createBlockingLoop<string>({
    name: 'test',
    log: createSilentLogger(),
    read: async (index, signal) => {
      asked.push(index);
      const next = answers.shift();
      if (next === undefined) {
        release();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw new Error('stopped');
      }
      if (next instanceof Error) throw next;
      return next;
    },
    onData: (data) => seen.push(data),
    onError: (err) => errors.push((err as Error).message),
    sleep: async (ms) => void sleeps.push(ms),
  });
  loop.start();
  await finished;
  await loop.stop();
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.deepEqual(errors, ['gone']);
  t.deepEqual(sleeps, [1000]);
  // After the failure the index starts over at 0; then 2.
  t.deepEqual(asked, [0, 5, 5, 7, 0, 2]);
});

test('stop ends a read that is waiting and nothing is handed on after it', async (t) => {
  const seen: string[] = [];
  const loop = createBlockingLoop<string>({
    name: 'test',
    log: createSilentLogger(),
    read: (_index, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
    onData: (data) => seen.push(data),
    onError: () => seen.push('error'),
  });
  loop.start();
  await loop.stop();
  t.deepEqual(seen, []);
});
