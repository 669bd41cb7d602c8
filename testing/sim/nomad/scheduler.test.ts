import test from 'ava';
import { allocsOf, mockJob, startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

interface EvalLike {
  ID: string;
  Status: string;
  TriggeredBy: string;
  BlockedEval: string;
  FailedTGAllocs: Record<string, { ConstraintFiltered: Record<string, number> | null; DimensionExhausted: Record<string, number> | null; NodesEvaluated: number }> | null;
}

async function evalOf(h: Awaited<ReturnType<typeof startSim>>, id: string): Promise<EvalLike> {
  return waitFor('eval done', async () => {
    const ev = (await h.nomad(`/v1/evaluation/${id}`)).json as EvalLike;
    return ev.Status === 'pending' ? undefined : ev;
  });
}

test('distinct_hosts spreads a group over every node and blocks the one that does not fit', async (t) => {
  const h = await startSim(t);
  const reg = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('d', { count: 4, group: { Constraints: [{ Operand: 'distinct_hosts', RTarget: 'true' }] } }) })).json as { EvalID: string };
  const ev = await evalOf(h, reg.EvalID);
  const allocs = await allocsOf(h, 'd');
  t.is(allocs.length, 3);
  t.is(new Set(allocs.map((a) => a.NodeID)).size, 3);
  t.is(ev.FailedTGAllocs?.app?.ConstraintFiltered?.distinct_hosts, 3);
  t.not(ev.BlockedEval, '');
  t.is(((await h.nomad(`/v1/evaluation/${ev.BlockedEval}`)).json as EvalLike).Status, 'blocked');
});

test('a second allocation wanting the same static port on the only node is blocked, then placed when the port frees', async (t) => {
  const h = await startSim(t, { nodes: 1 });
  const group = { Networks: [{ ReservedPorts: [{ Label: 'http', Value: 28080 }] }] };
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('p1', { group }) });
  await waitFor('p1 running', async () => ((await allocsOf(h, 'p1'))[0]?.ClientStatus === 'running' ? true : undefined));
  const reg = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('p2', { group }) })).json as { EvalID: string };
  const ev = await evalOf(h, reg.EvalID);
  t.deepEqual(ev.FailedTGAllocs?.app?.DimensionExhausted, { 'network: reserved port collision http=28080': 1 });
  t.is((await allocsOf(h, 'p2')).length, 0);
  const summary = (await h.nomad('/v1/job/p2')).json as { Status: string };
  t.is(summary.Status, 'pending');
  await h.nomad('/v1/job/p1/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } });
  await waitFor('p2 placed', async () => ((await allocsOf(h, 'p2'))[0]?.ClientStatus === 'running' ? true : undefined));
  await waitFor('blocked eval completed', async () => (((await h.nomad(`/v1/evaluation/${ev.BlockedEval}`)).json as EvalLike).Status === 'complete' ? true : undefined));
  t.pass();
});

test('constraints on node meta and attributes choose the matching node', async (t) => {
  const h = await startSim(t, { nodes: [{ meta: { gpu: 'none' } }, { meta: { gpu: 'rtx' }, nodeClass: 'big' }, {}] });
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('m', { count: 2, job: { Constraints: [{ LTarget: '${meta.gpu}', Operand: '=', RTarget: 'rtx' }, { LTarget: '${attr.kernel.name}', Operand: '=', RTarget: 'linux' }] } }) });
  const allocs = await waitFor('placed', async () => {
    const list = await allocsOf(h, 'm');
    return list.length === 2 ? list : undefined;
  });
  t.deepEqual([...new Set(allocs.map((a) => a.NodeName))], ['node-2']);
  const regex = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('r', { job: { Constraints: [{ LTarget: '${node.unique.name}', Operand: 'regexp', RTarget: '^node-3$' }, { LTarget: '${meta.gpu}', Operand: 'is_not_set' }] } }) })).json as { EvalID: string };
  await evalOf(h, regex.EvalID);
  t.is((await allocsOf(h, 'r'))[0]?.NodeName, 'node-3');
});

test('tasks need their driver on the node and GPU requests need GPUs', async (t) => {
  const h = await startSim(t, { nodes: [{}, { drivers: ['docker', 'mock_driver'], gpus: 1 }] });
  const docker = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('dk', { count: 2, group: { Constraints: [{ Operand: 'distinct_hosts' }] }, task: { Driver: 'docker', Config: { image: 'x:1' } } }) })).json as { EvalID: string };
  const ev = await evalOf(h, docker.EvalID);
  t.is((await allocsOf(h, 'dk')).length, 1);
  t.is(ev.FailedTGAllocs?.app?.ConstraintFiltered?.['missing drivers'], 1);
  await waitFor('docker alloc runs like mock_driver', async () => ((await allocsOf(h, 'dk'))[0]?.ClientStatus === 'running' ? true : undefined));
  const gpu = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('g', { count: 2, task: { Resources: { CPU: 100, MemoryMB: 64, Devices: [{ Name: 'nvidia/gpu', Count: 1 }] } } }) })).json as { EvalID: string };
  const gev = await evalOf(h, gpu.EvalID);
  t.is((await allocsOf(h, 'g'))[0]?.NodeName, 'node-2');
  t.is(gev.FailedTGAllocs?.app?.ConstraintFiltered?.['missing devices'], 1);
  t.is(gev.FailedTGAllocs?.app?.DimensionExhausted?.['devices: no devices match request'], 1);
});

test('memory demand beyond every node leaves the allocation queued', async (t) => {
  const h = await startSim(t, { nodes: 2 });
  const reg = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('big', { task: { Resources: { CPU: 100, MemoryMB: 100_000 } } }) })).json as { EvalID: string };
  const ev = await evalOf(h, reg.EvalID);
  t.is(ev.FailedTGAllocs?.app?.DimensionExhausted?.memory, 2);
  const summary = (await h.nomad('/v1/job/big/summary')).json as { Summary: { app: { Queued: number } } };
  t.is(summary.Summary.app.Queued, 1);
});

test('mock_driver honours run_for, exit_code and start_error', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('mb', { job: { Type: 'batch' }, task: { Config: { run_for: '50ms', exit_code: 0 } } }) });
  await waitFor('batch completes', async () => ((await allocsOf(h, 'mb'))[0]?.ClientStatus === 'complete' ? true : undefined));
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('me', { group: { RestartPolicy: { Attempts: 0, Mode: 'fail' } }, task: { Config: { start_error: 'no luck' } } }) });
  const failed = await waitFor('start error fails', async () => (await allocsOf(h, 'me')).find((a) => a.ClientStatus === 'failed'));
  t.true(failed.TaskStates?.main?.Events.some((e) => e.Type === 'Driver Failure' && e.DisplayMessage === 'no luck'));
});

test('a failed allocation is rescheduled after its delay while the reschedule policy allows', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('rs', {
    group: { RestartPolicy: { Attempts: 0, Mode: 'fail' }, ReschedulePolicy: { Attempts: 1, Interval: 3600e9, Delay: 100e6, DelayFunction: 'constant', Unlimited: false } },
    task: { Config: { start_error: 'boom' } },
  }) });
  const all = await waitFor('two failed allocs', async () => {
    const list = (await h.nomad('/v1/job/rs/allocations')).json as Array<{ ID: string; ClientStatus: string; NextAllocation: string; FollowupEvalID: string; RescheduleTracker: { Events: Array<{ PrevAllocID: string }> } | null }>;
    return list.length === 2 && list.every((a) => a.ClientStatus === 'failed') ? list : undefined;
  });
  const second = all.find((a) => a.RescheduleTracker !== null);
  const first = all.find((a) => a.RescheduleTracker === null);
  t.is(second?.RescheduleTracker?.Events[0]?.PrevAllocID, first?.ID);
  t.is(first?.NextAllocation, second?.ID);
  const followup = (await h.nomad(`/v1/evaluation/${first?.FollowupEvalID ?? ''}`)).json as { TriggeredBy: string };
  t.is(followup.TriggeredBy, 'alloc-failure');
  await new Promise((r) => setTimeout(r, 400));
  t.is(((await h.nomad('/v1/job/rs/allocations')).json as unknown[]).length, 2);
});

test('prestart tasks finish before the main task starts and poststart tasks follow it', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'life', TaskGroups: [{ Name: 'app', Tasks: [
    { Name: 'main', Driver: 'mock_driver', Config: {} },
    { Name: 'init', Driver: 'mock_driver', Config: { run_for: '100ms' }, Lifecycle: { Hook: 'prestart', Sidecar: false } },
    { Name: 'after', Driver: 'mock_driver', Config: { run_for: '10ms' }, Lifecycle: { Hook: 'poststart' } },
  ] }] } } });
  const alloc = await waitFor('lifecycle settled', async () => {
    const a = (await allocsOf(h, 'life'))[0];
    const s = a?.TaskStates;
    return s?.main?.State === 'running' && s.init?.State === 'dead' && s.after?.State === 'dead' ? a : undefined;
  });
  const states = alloc.TaskStates as unknown as Record<string, { StartedAt: string; FinishedAt: string; Failed: boolean }>;
  t.true(Date.parse(states.init?.FinishedAt ?? '') <= Date.parse(states.main?.StartedAt ?? ''));
  t.true(Date.parse(states.main?.StartedAt ?? '') <= Date.parse(states.after?.StartedAt ?? ''));
  t.false(states.init?.Failed);
  t.is(alloc.ClientStatus, 'running');
});
