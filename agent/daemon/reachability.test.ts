import test from 'ava';
import { createSilentLogger } from '../log.js';
import { createReachabilityProbe } from './reachability.js';

test('a probe reports unreachable with the reason, then reachable once the backend answers', async (t) => {
  let up = false;
  const changes: boolean[] = [];
  const probe = createReachabilityProbe({
    name: 'consul',
    probe: async () => {
      if (!up) throw new Error('connect ECONNREFUSED');
    },
    intervalMs: 50,
    log: createSilentLogger(),
    onChange: (state) => changes.push(state.reachable),
  });
  t.teardown(() => probe.stop());
  const first = await probe.probeNow();
  t.false(first.reachable);
  t.is(first.error, 'connect ECONNREFUSED');
  up = true;
  const second = await probe.probeNow();
  t.true(second.reachable);
  t.deepEqual(changes, [false, true]);
});

test('a started probe keeps probing on its interval until stopped', async (t) => {
  let calls = 0;
  const probe = createReachabilityProbe({ name: 'nomad', probe: async () => { calls += 1; }, intervalMs: 10, log: createSilentLogger() });
  probe.start();
  await new Promise((resolve) => setTimeout(resolve, 200));
  probe.stop();
  const seen = calls;
  t.true(seen >= 2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.is(calls, seen);
});

test('a probe that does not answer in time is unreachable with a plain reason', async (t) => {
  const probe = createReachabilityProbe({
    name: 'consul',
    probe: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('This operation was aborted')))),
    intervalMs: 50,
    log: createSilentLogger(),
  });
  t.teardown(() => probe.stop());
  const state = await probe.probeNow();
  t.false(state.reachable);
  t.is(state.error, 'no answer within 1000 ms');
});
