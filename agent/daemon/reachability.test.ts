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
