import test from 'ava';
import { createCoalescer, type Timers } from './coalescer.js';
import { createDeltaQueue } from './delta-queue.js';

/** A clock moved by hand; timers fire when it passes them. */
function manualTimers() {
  let t = 1000;
  const due = new Set<{ at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => t,
    after: (ms, fn) => {
      const entry = { at: t + ms, fn };
      due.add(entry);
      return () => due.delete(entry);
    },
  };
  return {
    timers,
    pending: () => due.size,
    advance(ms: number) {
      t += ms;
      for (const entry of [...due]) {
        if (entry.at <= t) {
          due.delete(entry);
          entry.fn();
        }
      }
    },
  };
}

function setup(windowMs = 5) {
  const clock = manualTimers();
  const out: [string, number][] = [];
  const c = createCoalescer({ windowMs, timers: clock.timers, emit: (text, tokens) => out.push([text, tokens]) });
  return { clock, out, c };
}

test('the first text goes out at once; text within the window waits, at most until the window ends', (t) => {
  const { clock, out, c } = setup();
  c.add('a', 1);
  t.deepEqual(out, [['a', 1]]);
  clock.advance(1);
  c.add('b', 1);
  clock.advance(1);
  c.add('c', 1);
  t.deepEqual(out, [['a', 1]], 'held within the window');
  t.is(clock.pending(), 1, 'one timer for the window, not one per text');
  clock.advance(3);
  t.deepEqual(out, [['a', 1], ['bc', 2]], 'sent when the window ends, though nothing else came');
  t.is(clock.pending(), 0);
});

test('text after a quiet window goes out at once, and flush sends what is held when the answer ends', (t) => {
  const { clock, out, c } = setup();
  c.add('a', 1);
  clock.advance(50);
  c.add('b', 1);
  t.deepEqual(out, [['a', 1], ['b', 1]]);
  clock.advance(1);
  c.add('c', 1);
  c.flush();
  t.deepEqual(out, [['a', 1], ['b', 1], ['c', 1]]);
  t.is(clock.pending(), 0);
});

test('tokens whose text is held back (a possible tool call) travel with the next text; a window of 0 never holds', (t) => {
  const { out, c } = setup(0);
  c.add('', 1);
  c.add('', 1);
  t.deepEqual(out, []);
  c.add('x', 1);
  c.add('y', 1);
  t.deepEqual(out, [['x', 3], ['y', 1]]);
});

test('stop drops the timer and what is held', (t) => {
  const { clock, out, c } = setup();
  c.add('a', 1);
  c.add('b', 1);
  c.stop();
  clock.advance(10);
  t.deepEqual(out, [['a', 1]]);
  t.is(clock.pending(), 0);
});

test('the delta queue merges deltas its consumer has not taken yet and ends with an error after them', async (t) => {
  const q = createDeltaQueue();
  q.push('a', 1);
  q.push('b', 2);
  const it = q[Symbol.asyncIterator]();
  t.deepEqual((await it.next()).value, { text: 'ab', tokens: 3 });
  const waiting = it.next();
  q.push('c', 1);
  t.deepEqual((await waiting).value, { text: 'c', tokens: 1 });
  q.push('d', 1);
  q.fail(new Error('cut'));
  t.deepEqual((await it.next()).value, { text: 'd', tokens: 1 });
  await t.throwsAsync(() => it.next(), { message: 'cut' });
});
