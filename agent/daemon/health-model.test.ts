import test from 'ava';
import { createHealthModel } from './health-model.js';

test('health is ok when every part is ok', (t) => {
  const health = createHealthModel();
  health.addPart('consul', () => ({ ok: true }));
  health.addPart('nomad', () => ({ ok: true }));
  t.deepEqual(health.report().status, 'ok');
  t.deepEqual(health.report().reasons, []);
});

test('health is degraded with one reason per failing part, a throwing part included', (t) => {
  const health = createHealthModel();
  health.addPart('consul', () => ({ ok: false, reason: 'cannot reach Consul' }));
  health.addPart('power', () => { throw new Error('boom'); });
  health.addPart('nomad', () => ({ ok: true }));
  const report = health.report();
  t.is(report.status, 'degraded');
  t.deepEqual(report.reasons, ['consul: cannot reach Consul', 'power: health check failed: boom']);
});
