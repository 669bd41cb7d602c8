// hearth's Nomad and Consul clients against the simulator of both APIs.
import test from 'ava';
import { createConsulClient } from '../../agent/consul/client.js';
import { createServiceWatcher, type DiscoveredService } from '../../agent/consul/discovery.js';
import { createSelfRegistration } from '../../agent/consul/registration.js';
import { createSilentLogger } from '../../agent/log.js';
import { createNomadClient } from '../../agent/nomad/client.js';
import type { EventFrame, Job } from '../../agent/nomad/types.js';
import { startSimFor } from '../support/sim-harness.js';
import { waitFor } from '../support/wait-for.js';

const log = createSilentLogger();

async function startSim(t: import('ava').ExecutionContext) {
  return await startSimFor(t, { nodes: 1, maxCheckIntervalMs: 200, eventHeartbeatMs: 200 });
}


const job: Job = {
  ID: 'hclient-web',
  Datacenters: ['dc1'],
  TaskGroups: [{ Name: 'app', Count: 1, Tasks: [{ Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 100, MemoryMB: 64 } }] }],
};

test('a job registered through the Nomad client is evaluated, streamed as an event, and scaled to zero', async (t) => {
  const { nomadAddr } = await startSim(t);
  const nomad = createNomadClient({ addr: nomadAddr, log });
  t.teardown(() => nomad.close());
  t.regex(await nomad.status.leader(), /:4647$/);
  const node = await nomad.agent.localNode();
  t.true(node.id !== '' && node.name !== '');

  const controller = new AbortController();
  t.teardown(() => controller.abort());
  const frames: EventFrame[] = [];
  const streaming = (async () => {
    for await (const frame of nomad.events.stream({ topics: { Job: [job.ID] }, signal: controller.signal })) {
      frames.push(frame);
      if (frame.Events.some((e) => e.Type === 'JobRegistered')) controller.abort();
    }
  })();

  const registered = await nomad.jobs.register(job);
  const evaluation = await nomad.waitForEvaluation(registered.EvalID, { timeoutMs: 10_000 });
  t.is(evaluation.Status, 'complete');
  const { data, meta } = await nomad.jobs.read(job.ID);
  t.is(data.ID, job.ID);
  t.true(meta.lastIndex > 0);
  await streaming;
  t.true(frames.some((f) => f.Events.some((e) => e.Key === job.ID)));

  await nomad.jobs.scale(job.ID, { group: 'app', count: 0, message: 'idle' });
  const status = await nomad.jobs.scaleStatus(job.ID);
  t.is(status.data.TaskGroups['app']?.Desired, 0);
});

test('the Consul watcher sees a service turn passing, and self-registration survives a wiped Consul', async (t) => {
  const { sim, consulAddr } = await startSim(t);
  const consul = createConsulClient({ addr: consulAddr, log, timeoutMs: 2000 });
  t.teardown(() => consul.close());

  let latest: DiscoveredService[] = [];
  const watcher = createServiceWatcher({ consul, prefix: 'prima-api-', wait: '5s', log, onChange: (list) => (latest = list) });
  t.teardown(() => watcher.stop());
  watcher.start();
  await consul.registerService({ id: 'prima-api-x-1', name: 'prima-api-x', port: 9000, checks: [{ kind: 'ttl', id: 'prima-api-x-ttl', ttl: '60s' }] });
  await consul.passCheck('prima-api-x-ttl');
  await waitFor('prima-api-x is listed', () => latest.some((s) => s.id === 'prima-api-x-1' && s.health === 'passing'), { timeoutMs: 10_000 });

  const registration = createSelfRegistration({
    consul,
    service: { id: 'hearth-agent-node-1', name: 'hearth-agent', port: 8000, meta: { node: 'node-1' } },
    log,
  });
  t.teardown(() => registration.stop());
  await registration.start();
  t.true(registration.registered());
  await sim.control.pauseConsul();
  await sim.control.resumeConsul({ wipe: true });
  await waitFor('the agent service is back', async () => 'hearth-agent-node-1' in (await consul.agentServices()), { timeoutMs: 10_000 });
  await waitFor('the watcher recovered', () => watcher.status().state === 'reachable', { timeoutMs: 10_000 });
  await registration.stop();
  t.false('hearth-agent-node-1' in (await consul.agentServices()));
});

test('the Consul watcher holds two blocking queries for 50 services; a status change needs no re-read, a new instance one', async (t) => {
  const { sim, consulAddr } = await startSim(t);
  const consul = createConsulClient({ addr: consulAddr, log, timeoutMs: 2000 });
  t.teardown(() => consul.close());
  const names = Array.from({ length: 50 }, (_, n) => `prima-api-s${String(n).padStart(2, '0')}`);
  for (const name of names) await consul.registerService({ id: `${name}-1`, name, port: 9000, checks: [{ kind: 'ttl', id: `${name}-ttl`, ttl: '60s' }] });
  const plainReads: string[] = [];
  let peakHeld = 0;
  const watcher = createServiceWatcher({
    consul: {
      catalogServices: (options) => consul.catalogServices(options),
      healthState: (state, options) => consul.healthState(state, options),
      healthService: (name, options) => {
        if (options?.index === undefined || options.index === 0) plainReads.push(name);
        return consul.healthService(name, options);
      },
    },
    prefix: 'prima-api-',
    wait: '5s',
    log,
    include: 'all',
  });
  t.teardown(() => watcher.stop());
  const held = () => {
    const now = sim.control.stats().consulWaiters;
    peakHeld = Math.max(peakHeld, now);
    return now;
  };
  const sampler = setInterval(held, 2);
  t.teardown(() => clearInterval(sampler));
  watcher.start();
  await waitFor('every service is listed', () => watcher.list().length === names.length && held() === 2, { timeoutMs: 10_000 });
  t.is(new Set(plainReads).size, names.length);
  plainReads.length = 0;
  await consul.passCheck('prima-api-s31-ttl');
  await waitFor('s31 is passing', () => watcher.list().some((s) => s.name === 'prima-api-s31' && s.health === 'passing') && held() === 2, { timeoutMs: 10_000 });
  // The health answer carries the new status: no service is read again.
  t.deepEqual(plainReads, []);
  // A second instance of s07 is read from /v1/health/service. (The catalog's index moved
  // with no name or tag change, so every name is read again: catalog/services cannot say which.)
  await consul.registerService({ id: 'prima-api-s07-2', name: 'prima-api-s07', address: '10.0.0.2', port: 9001, checks: [{ kind: 'ttl', id: 'prima-api-s07-2-ttl', ttl: '60s', status: 'passing' }] });
  await waitFor('the new s07 instance is listed', () => watcher.list().some((s) => s.id === 'prima-api-s07-2' && s.port === 9001) && held() === 2, { timeoutMs: 10_000 });
  t.true(plainReads.includes('prima-api-s07'));
  await consul.failCheck('prima-api-s31-ttl');
  await waitFor('s31 is critical', () => watcher.list().some((s) => s.name === 'prima-api-s31' && s.health === 'critical'), { timeoutMs: 10_000 });
  t.true(peakHeld <= 2, `at most two blocking queries held, saw ${peakHeld}`);
});
