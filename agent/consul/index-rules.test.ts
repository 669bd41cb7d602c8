import test from 'ava';
import { advanceIndex, computeBackoffMs, createErrorBackoff, createRateLimiter } from './index-rules.js';

test('an index that moves forward is used for the next call and marks a change', (t) => {
  t.deepEqual(advanceIndex(0, 12), { nextIndex: 12, changed: true, reset: false });
  t.deepEqual(advanceIndex(12, 15), { nextIndex: 15, changed: true, reset: false });
});

test('an index that stays the same is no change', (t) => {
  t.deepEqual(advanceIndex(15, 15), { nextIndex: 15, changed: false, reset: false });
});

test('an index that goes backwards resets, and the next call still uses at least 1', (t) => {
  t.deepEqual(advanceIndex(50, 3), { nextIndex: 1, changed: true, reset: true });
});

test('a zero, negative or missing index never leads to a call with index 0', (t) => {
  for (const returned of [0, -4, Number.NaN]) {
    const step = advanceIndex(7, returned);
    t.is(step.nextIndex, 1);
    t.true(step.reset);
  }
});

test('the token bucket lets two calls through at once, then one per interval', (t) => {
  let now = 1000;
  const limiter = createRateLimiter({ burst: 2, intervalMs: 500 }, () => now);
  t.is(limiter.take(), 0);
  t.is(limiter.take(), 0);
  t.is(limiter.take(), 500);
  now += 500;
  t.is(limiter.take(), 500);
  now += 1000;
  t.is(limiter.take(), 0);
});

test('a loop that waits as told settles at one call per interval', (t) => {
  let now = 0;
  const limiter = createRateLimiter({ burst: 2, intervalMs: 200 }, () => now);
  const callTimes: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    now += limiter.take();
    callTimes.push(now);
  }
  const gaps = callTimes.slice(3).map((time, i) => time - (callTimes[i + 2] ?? 0));
  t.true(gaps.every((gap) => gap === 200), `gaps: ${gaps.join(',')}`);
});

test('the bucket refills only up to its burst', (t) => {
  let now = 0;
  const limiter = createRateLimiter({ burst: 2, intervalMs: 100 }, () => now);
  now = 10_000;
  t.is(limiter.take(), 0);
  t.is(limiter.take(), 0);
  t.true(limiter.take() > 0);
});

test('backoff with full jitter stays within [0, min(cap, base * 2^n))', (t) => {
  const policy = { baseMs: 100, capMs: 30_000 };
  t.is(computeBackoffMs(0, policy, () => 0), 0);
  t.is(computeBackoffMs(0, policy, () => 0.999), 99);
  t.is(computeBackoffMs(3, policy, () => 0.5), 400);
  t.is(computeBackoffMs(40, policy, () => 0.999), 29_970);
});

test('the error backoff grows with each failure and a success resets it', (t) => {
  const backoff = createErrorBackoff({ baseMs: 100, capMs: 1000 }, () => 0.999);
  t.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()], [99, 199, 399, 799, 999]);
  t.is(backoff.failures, 5);
  backoff.reset();
  t.is(backoff.failures, 0);
  t.is(backoff.next(), 99);
});
