import test from 'ava';
import type { EventFrame } from '../../../agent/nomad/types.js';
import { mockJob, startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

interface StreamReader {
  frames: EventFrame[];
  close(): void;
}

async function openStream(url: string): Promise<StreamReader> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const frames: EventFrame[] = [];
  const body = res.body;
  if (body === null) throw new Error('no body');
  void (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') frames.push(JSON.parse(line) as EventFrame);
      }
    } catch {
      // aborted
    }
  })();
  return { frames, close: () => controller.abort() };
}

test('the event stream sends a heartbeat on connect and then at the configured interval', async (t) => {
  const h = await startSim(t, { eventHeartbeatMs: 100 });
  const s = await openStream(`${h.nomadAddr}/v1/event/stream`);
  t.teardown(() => s.close());
  await waitFor('3 heartbeats', () => (s.frames.filter((f) => Object.keys(f).length === 0).length >= 3 ? true : undefined));
  t.deepEqual(s.frames[0], {} as EventFrame);
});

test('topic filters select events by key and filter keys', async (t) => {
  const h = await startSim(t);
  const s = await openStream(`${h.nomadAddr}/v1/event/stream?topic=Job:web&topic=Allocation:web`);
  t.teardown(() => s.close());
  await waitFor('connect heartbeat', () => (s.frames.length > 0 ? true : undefined));
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('other') });
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('web') });
  await waitFor('alloc event for web', () => (s.frames.some((f) => f.Events?.some((e) => e.Topic === 'Allocation')) ? true : undefined));
  const events = s.frames.flatMap((f) => f.Events ?? []);
  t.true(events.every((e) => e.Key === 'web' || e.FilterKeys?.includes('web')));
  const jobEvent = events.find((e) => e.Topic === 'Job');
  t.is(jobEvent?.Type, 'JobRegistered');
  t.is((jobEvent?.Payload.Job as { ID: string }).ID, 'web');
  const alloc = events.find((e) => e.Topic === 'Allocation');
  t.is((alloc?.Payload.Allocation as { Job?: unknown }).Job, undefined);
  t.false(events.some((e) => e.Topic === 'Evaluation'));
});

test('index= replays buffered events from that index and purge sends Deleted', async (t) => {
  const h = await startSim(t);
  const reg = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('r') })).json as { JobModifyIndex: number };
  await h.nomad('/v1/job/r?purge=true', { method: 'DELETE' });
  const s = await openStream(`${h.nomadAddr}/v1/event/stream?topic=Job&index=${reg.JobModifyIndex}`);
  t.teardown(() => s.close());
  await waitFor('deregister replayed', () => (s.frames.some((f) => f.Events?.some((e) => e.Type === 'JobDeregistered')) ? true : undefined));
  const events = s.frames.flatMap((f) => f.Events ?? []);
  t.is(events[0]?.Index, reg.JobModifyIndex);
  t.is(events[0]?.Type, 'JobRegistered');
  t.is(events.find((e) => e.Type === 'JobDeregistered')?.Payload.Deleted, true);
});

test('services with the nomad provider land in Nomad\'s catalog and publish Service events', async (t) => {
  const h = await startSim(t);
  const s = await openStream(`${h.nomadAddr}/v1/event/stream?topic=Service`);
  t.teardown(() => s.close());
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('nat', { group: { Services: [{ Name: 'native', Provider: 'nomad', Tags: ['x'] }] } }) });
  const regs = await waitFor('registered', async () => {
    const list = (await h.nomad('/v1/service/native')).json as Array<{ ServiceName: string; JobID: string; Address: string; NodeID: string }>;
    return list.length === 1 ? list : undefined;
  });
  t.is(regs[0]?.JobID, 'nat');
  t.is(regs[0]?.Address, h.sim.control.nodes().find((n) => n.id === regs[0]?.NodeID)?.address);
  t.deepEqual((await h.nomad('/v1/services')).json, [{ Namespace: 'default', Services: [{ ServiceName: 'native', Tags: ['x'] }] }]);
  t.deepEqual((await h.consul('/v1/health/service/native')).json, []);
  await h.nomad('/v1/job/nat/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } });
  await waitFor('deregistered', async () => (((await h.nomad('/v1/service/native')).json as unknown[]).length === 0 ? true : undefined));
  const types = s.frames.flatMap((f) => f.Events ?? []).map((e) => e.Type);
  t.deepEqual(types, ['ServiceRegistration', 'ServiceDeregistration']);
});
