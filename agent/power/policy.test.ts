import test from 'ava';
import type { Job } from '../nomad/types.js';
import { managedJob } from '../../testing/power/fakes.js';
import { readPowerPolicy } from './policy.js';

test('a pinned group with a static port and meta opt-in is managed with its idle timeout and check prefix', (t) => {
  const job = managedJob('chat', { port: 18080, idle: '2s', powerGroup: 'llama' });
  const service = job.TaskGroups[0]?.Services?.[0];
  if (service) service.Checks = [{ Type: 'http', Path: '/health', Interval: 1e9, Timeout: 1e9 }];
  const [verdict] = readPowerPolicy(job);
  t.deepEqual(verdict, {
    kind: 'managed',
    unit: { service: 'chat', jobId: 'chat', group: 'app', powerGroup: 'llama', idleTimeoutMs: 2000, node: 'node-1', port: 18080, checkPrefix: 'GET /health',
      probeChecks: [{ kind: 'http', method: 'GET', path: '/health' }] },
  });
});

test('a job without hearth.power = managed is not considered', (t) => {
  const job = managedJob('plain', { port: 18080 });
  job.Meta = {};
  t.deepEqual(readPowerPolicy(job), []);
});

test('group meta overrides job meta', (t) => {
  const job = managedJob('chat', { port: 18080, idle: '2s' });
  const group = job.TaskGroups[0];
  if (group) group.Meta = { 'hearth.idle_timeout': '10m' };
  const [verdict] = readPowerPolicy(job);
  t.is(verdict?.kind === 'managed' ? verdict.unit.idleTimeoutMs : 0, 600_000);
});

test('a group without a static port is refused with the rule it breaks', (t) => {
  const job: Job = managedJob('dyn', { port: 18080 });
  const group = job.TaskGroups[0];
  if (group) group.Networks = [{ DynamicPorts: [{ Label: 'http' }] }];
  const [verdict] = readPowerPolicy(job);
  t.is(verdict?.kind, 'refused');
  t.regex(verdict?.kind === 'refused' ? verdict.reason : '', /no static port/);
});

test('a group not pinned to one node is refused', (t) => {
  const job = managedJob('roam', { port: 18080 });
  job.Constraints = [];
  const [verdict] = readPowerPolicy(job);
  t.regex(verdict?.kind === 'refused' ? verdict.reason : '', /not pinned to one node/);
});

for (const bad of ['0s', 'forever', '-5m', '500ms']) {
  test(`an idle timeout of ${JSON.stringify(bad)} in meta is refused`, (t) => {
    const [verdict] = readPowerPolicy(managedJob('x', { port: 18080, idle: bad }));
    t.regex(verdict?.kind === 'refused' ? verdict.reason : '', /hearth.idle_timeout/);
  });
}

test('a check whose method Nomad reads back as "" is a GET', (t) => {
  const job = managedJob('chat', { port: 18080 });
  const service = job.TaskGroups[0]?.Services?.[0];
  if (service) service.Checks = [{ Type: 'http', Path: '/health', Method: '', Interval: 1e9, Timeout: 1e9 }];
  const [verdict] = readPowerPolicy(job);
  t.is(verdict?.kind === 'managed' ? verdict.unit.checkPrefix : undefined, 'GET /health');
});
