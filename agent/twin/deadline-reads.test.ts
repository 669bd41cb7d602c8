import test from 'ava';
import { readWithDeadline, type Timers } from './deadline-reads.js';

/** A clock moved by hand; timers fire when it passes them. */
function manualTimers() {
  let t = 0;
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
    pendingTimers: () => due.size,
    advance(ms: number) {
      t += ms;
      for (const entry of [...due]) if (entry.at <= t) {
        due.delete(entry);
        entry.fn();
      }
    },
  };
}

/** A source whose reads the test hands out one by one. */
function manualSource<T>() {
  const waiting: ((r: IteratorResult<T>) => void)[] = [];
  let returned = 0;
  const source: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve)),
      return: () => {
        returned += 1;
        return Promise.resolve({ value: undefined, done: true });
      },
    }),
  };
  return {
    source,
    give: (value: T) => waiting.shift()!({ value, done: false }),
    end: () => waiting.shift()!({ value: undefined, done: true }),
    returned: () => returned,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('without a deadline every read comes through in order and no timer is set', async (t) => {
  const clock = manualTimers();
  const src = manualSource<string>();
  const steps = readWithDeadline(src.source, () => undefined, clock.timers);
  const first = steps.next();
  await tick();
  src.give('a');
  t.deepEqual((await first).value, { kind: 'read', value: 'a' });
  const second = steps.next();
  await tick();
  t.is(clock.pendingTimers(), 0);
  src.give('b');
  t.deepEqual((await second).value, { kind: 'read', value: 'b' });
  const last = steps.next();
  await tick();
  src.end();
  t.true((await last).done);
});

test('a read later than the deadline yields the deadline first, then the read itself', async (t) => {
  const clock = manualTimers();
  const src = manualSource<string>();
  let at: number | undefined = 5;
  const steps = readWithDeadline(src.source, () => at, clock.timers);
  const first = steps.next();
  await tick();
  clock.advance(4);
  await tick();
  clock.advance(1);
  t.deepEqual((await first).value, { kind: 'deadline' });
  at = undefined;
  const second = steps.next();
  await tick();
  t.is(clock.pendingTimers(), 0, 'no deadline now, no timer');
  src.give('late');
  t.deepEqual((await second).value, { kind: 'read', value: 'late' });
});

test('reads before the deadline share its one timer, which is cleared when the consumer stops', async (t) => {
  const clock = manualTimers();
  const src = manualSource<string>();
  const steps = readWithDeadline(src.source, () => 10, clock.timers);
  for (const value of ['a', 'b', 'c']) {
    const step = steps.next();
    await tick();
    t.is(clock.pendingTimers(), 1);
    src.give(value);
    t.deepEqual((await step).value, { kind: 'read', value });
  }
  await steps.return(undefined);
  t.is(clock.pendingTimers(), 0);
  t.is(src.returned(), 1);
});
