import test from 'ava';
import { mockJob, startSim } from './test-support.js';

test('with ACLs on, Nomad answers 403 Permission denied without the management token', async (t) => {
  const h = await startSim(t, { acl: { nomadToken: 'nomad-secret', consulToken: 'consul-secret' } });
  t.like(await h.nomad('/v1/jobs'), { status: 403, text: 'Permission denied' });
  t.like(await h.nomad('/v1/jobs', { headers: { 'X-Nomad-Token': 'wrong' } }), { status: 403, text: 'Permission denied' });
  t.is((await h.nomad('/v1/jobs', { headers: { 'X-Nomad-Token': 'nomad-secret' } })).status, 200);
  t.is((await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('a'), headers: { Authorization: 'Bearer nomad-secret' } })).status, 200);
  t.is((await h.nomad('/v1/status/leader')).status, 200);
});

test('with ACLs on, Consul tells a missing token from an unknown one', async (t) => {
  const h = await startSim(t, { acl: { consulToken: 'consul-secret' } });
  const none = await h.consul('/v1/agent/services');
  t.is(none.status, 403);
  t.true(none.text.startsWith('Permission denied'));
  t.is(none.headers.get('x-consul-default-acl-policy'), 'deny');
  t.like(await h.consul('/v1/agent/services', { headers: { 'X-Consul-Token': 'nope' } }), { status: 403, text: 'ACL not found' });
  t.is((await h.consul('/v1/agent/services', { headers: { 'X-Consul-Token': 'consul-secret' } })).status, 200);
  t.is((await h.consul('/v1/kv/x', { method: 'PUT', raw: 'v', headers: { Authorization: 'Bearer consul-secret' } })).status, 200);
  t.is((await h.nomad('/v1/jobs')).status, 200);
});
