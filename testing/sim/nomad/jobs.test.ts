import test from 'ava';
import type { Job, JobDiff, JobListStub, PlanResponse } from '../../../agent/nomad/types.js';
import { allocsOf, mockJob, startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

test('a registered job reads back with Nomad\'s canonical defaults', async (t) => {
  const h = await startSim(t);
  const reg = await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'defaults', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't', Driver: 'mock_driver', Services: [{ PortLabel: 'x' }] }] }] } } });
  t.is(reg.status, 200);
  t.truthy(reg.headers.get('x-nomad-index'));
  const job = (await h.nomad('/v1/job/defaults')).json as Job & Record<string, unknown>;
  t.is(job.Name, 'defaults');
  t.is(job.Namespace, 'default');
  t.is(job.Region, 'global');
  t.is(job.Type, 'service');
  t.is(job.Priority, 50);
  t.deepEqual(job.Datacenters, ['*']);
  t.is(job.NodePool, 'default');
  t.is(job.Version, 0);
  t.like(job.Update, { Stagger: 30e9, MaxParallel: 1, HealthCheck: 'checks', MinHealthyTime: 10e9, HealthyDeadline: 300e9, ProgressDeadline: 600e9 });
  const g = job.TaskGroups[0];
  t.is(g?.Count, 1);
  t.deepEqual(g?.EphemeralDisk, { SizeMB: 300, Sticky: false, Migrate: false });
  t.like(g?.RestartPolicy, { Attempts: 2, Interval: 1800e9, Delay: 15e9, Mode: 'fail' });
  t.like(g?.ReschedulePolicy, { Delay: 30e9, DelayFunction: 'exponential', MaxDelay: 3600e9, Unlimited: true });
  const task = g?.Tasks[0];
  t.like(task?.Resources, { CPU: 100, MemoryMB: 300 });
  t.is(task?.KillTimeout, 5e9);
  t.like(task?.LogConfig, { MaxFiles: 10, MaxFileSizeMB: 10 });
  t.like(task?.Services?.[0], { Name: 'defaults-g-t', Provider: 'consul', AddressMode: 'auto', OnUpdate: 'require_healthy' });
});

test('batch jobs get the batch restart and reschedule defaults and Count follows Scaling.Min', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'POST', body: { job: { id: 'b', type: 'batch', taskGroups: [{ name: 'g', scaling: { min: 3, max: 5 }, tasks: [{ name: 't', driver: 'mock_driver' }] }] } } });
  const job = (await h.nomad('/v1/job/b')).json as Job & { TaskGroups: Array<Record<string, unknown>> };
  const g = job.TaskGroups[0];
  t.is(g?.Count, 3);
  t.like(g?.RestartPolicy as object, { Attempts: 3, Interval: 86400e9, Delay: 15e9, Mode: 'fail' });
  t.like(g?.ReschedulePolicy as object, { Attempts: 1, Interval: 86400e9, Delay: 5e9, DelayFunction: 'constant', Unlimited: false });
  t.like(g?.Scaling as object, { Min: 3, Max: 5, Enabled: true, Type: 'horizontal' });
});

test('validation failures answer 500 with a go-multierror body', async (t) => {
  const h = await startSim(t);
  const none = await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'x', TaskGroups: [] } } });
  t.is(none.status, 500);
  t.is(none.text, '1 error occurred:\n\t* Missing job task groups\n\n');
  t.regex(none.headers.get('content-type') ?? '', /^text\/plain/);
  const nested = await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'x', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't' }] }] } } });
  t.is(nested.status, 500);
  t.is(nested.text, '1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Task t validation failed: 1 error occurred:\n\t* Missing task driver\n\n\n\n\n\n');
  const two = await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'x', Type: 'nope', TaskGroups: [] } } });
  t.true(two.text.startsWith('2 errors occurred:\n\t* Invalid job type: "nope"\n\t* Missing job task groups'));
});

test('HTTP-layer problems answer 400 and unknown routes and methods answer 404 and 405', async (t) => {
  const h = await startSim(t);
  t.like(await h.nomad('/v1/jobs', { method: 'PUT', body: {} }), { status: 400, text: 'Job must be specified' });
  t.like(await h.nomad('/v1/jobs', { method: 'PUT', raw: '' }), { status: 400 });
  t.like(await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { TaskGroups: [] } } }), { status: 400, text: "Job ID hasn't been provided" });
  t.like(await h.nomad('/v1/job/other', { method: 'PUT', body: mockJob('web') }), { status: 400, text: 'Job ID does not match name' });
  t.like(await h.nomad('/v1/job/missing'), { status: 404, text: 'job not found' });
  t.like(await h.nomad('/v1/jobs', { method: 'DELETE' }), { status: 405, text: 'Invalid method' });
  t.like(await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 's', Type: 'system', TaskGroups: [{ Name: 'g', Scaling: { Max: 1 }, Tasks: [{ Name: 't', Driver: 'mock_driver' }] }] } } }),
    { status: 400, text: 'Task groups with job type system do not support scaling blocks' });
});

test('jobs list with prefix and namespace filters and carry the index headers', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('web-a') });
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('web-b') });
  // A namespace must exist before a job goes in it, as in Nomad.
  const refused = await h.nomad('/v1/jobs?namespace=other', { method: 'PUT', body: mockJob('db') });
  t.is(refused.status, 500);
  t.regex(refused.text, /job "db" is in nonexistent namespace "other"/);
  t.is((await h.nomad('/v1/namespace/other')).status, 404);
  t.is((await h.nomad('/v1/namespace/other', { method: 'POST', body: { Name: 'other' } })).status, 200);
  t.is((await h.nomad('/v1/jobs?namespace=other', { method: 'PUT', body: mockJob('db') })).status, 200);
  const list = await h.nomad('/v1/jobs?prefix=web-');
  t.deepEqual((list.json as JobListStub[]).map((j) => j.ID), ['web-a', 'web-b']);
  t.is(list.headers.get('x-nomad-knownleader'), 'true');
  t.is(list.headers.get('x-nomad-lastcontact'), '0');
  t.deepEqual(((await h.nomad('/v1/jobs?namespace=other')).json as JobListStub[]).map((j) => j.ID), ['db']);
  t.is(((await h.nomad('/v1/jobs?namespace=*')).json as JobListStub[]).length, 3);
});

test('re-registering an identical job keeps its version while a change bumps it', async (t) => {
  const h = await startSim(t);
  const first = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('same') })).json as { JobModifyIndex: number };
  const again = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('same') })).json as { JobModifyIndex: number; EvalID: string };
  // As in Nomad (testing/contract/nomad.cases.ts): every register moves JobModifyIndex; only a change makes a version.
  t.true(again.JobModifyIndex > first.JobModifyIndex);
  t.not(again.EvalID, '');
  t.is(((await h.nomad('/v1/job/same')).json as Job).Version, 0);
  const changed = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('same', { job: { Meta: { v: '2' } } }) })).json as { JobModifyIndex: number };
  t.true(changed.JobModifyIndex > first.JobModifyIndex);
  t.is(((await h.nomad('/v1/job/same')).json as Job).Version, 1);
});

test('EnforceIndex refuses a stale JobModifyIndex with a 500 "Enforcing job modify index" text', async (t) => {
  const h = await startSim(t);
  const created = await h.nomad('/v1/jobs', { method: 'PUT', body: { ...mockJob('e'), EnforceIndex: true, JobModifyIndex: 0 } });
  t.is(created.status, 200);
  const again = await h.nomad('/v1/jobs', { method: 'PUT', body: { ...mockJob('e'), EnforceIndex: true, JobModifyIndex: 0 } });
  t.is(again.status, 500);
  t.true(again.text.startsWith('Enforcing job modify index 0'));
  const idx = (created.json as { JobModifyIndex: number }).JobModifyIndex;
  const ok = await h.nomad('/v1/jobs', { method: 'PUT', body: { ...mockJob('e', { job: { Meta: { a: 'b' } } }), EnforceIndex: true, JobModifyIndex: idx } });
  t.is(ok.status, 200);
});

test('PreserveCounts keeps the running count on re-register', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('p', { count: 2 }) });
  await h.nomad('/v1/jobs', { method: 'PUT', body: { ...mockJob('p', { count: 5, job: { Meta: { x: '1' } } }), PreserveCounts: true } });
  t.is(((await h.nomad('/v1/job/p')).json as Job).TaskGroups[0]?.Count, 2);
});

test('plan with Diff tells an unchanged job from an edited one', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('pl', { count: 1 }) });
  const same = (await h.nomad('/v1/job/pl/plan', { method: 'POST', body: { ...mockJob('pl', { count: 1 }), Diff: true } })).json as PlanResponse;
  t.is(same.Diff?.Type, 'None');
  const edited = (await h.nomad('/v1/job/pl/plan', { method: 'PUT', body: { ...mockJob('pl', { count: 3 }), Diff: true } })).json as PlanResponse;
  const diff = edited.Diff as JobDiff;
  t.is(diff.Type, 'Edited');
  const group = diff.TaskGroups?.[0];
  t.is(group?.Type, 'Edited');
  t.deepEqual(group?.Fields?.find((f) => f.Name === 'Count'), { Type: 'Edited', Name: 'Count', Old: '1', New: '3', Annotations: null });
  t.is(edited.Annotations?.DesiredTGUpdates.app?.Place, 2);
  const fresh = (await h.nomad('/v1/job/new/plan', { method: 'PUT', body: { ...mockJob('new'), Diff: true } })).json as PlanResponse;
  t.is(fresh.Diff?.Type, 'Added');
  t.is((await h.nomad('/v1/job/pl')).status, 200);
});

test('validate/job reports validation errors without registering', async (t) => {
  const h = await startSim(t);
  const bad = (await h.nomad('/v1/validate/job', { method: 'PUT', body: { Job: { ID: 'v', TaskGroups: [] } } })).json as { ValidationErrors: string[] };
  t.deepEqual(bad.ValidationErrors, ['Missing job task groups']);
  const good = (await h.nomad('/v1/validate/job', { method: 'PUT', body: mockJob('v') })).json as { ValidationErrors: null };
  t.is(good.ValidationErrors, null);
  t.is((await h.nomad('/v1/job/v')).status, 404);
});

test('stopping a job keeps it readable with Stop true and a new version; purge deletes it', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('s', { count: 2 }) });
  await waitFor('two running allocs', async () => ((await allocsOf(h, 's')).filter((a) => a.ClientStatus === 'running').length === 2 ? true : undefined));
  const stop = await h.nomad('/v1/job/s', { method: 'DELETE' });
  t.is(stop.status, 200);
  const evalId = (stop.json as { EvalID: string }).EvalID;
  const ev = (await h.nomad(`/v1/evaluation/${evalId}`)).json as { TriggeredBy: string };
  t.is(ev.TriggeredBy, 'job-deregister');
  const job = (await h.nomad('/v1/job/s')).json as Job;
  t.true(job.Stop);
  t.is(job.Version, 1);
  await waitFor('allocs stopped', async () => ((await allocsOf(h, 's')).every((a) => a.DesiredStatus === 'stop' && a.ClientStatus === 'complete') ? true : undefined));
  await waitFor('job dead', async () => (((await h.nomad('/v1/job/s')).json as Job).Status === 'dead' ? true : undefined));
  const purge = await h.nomad('/v1/job/s?purge=true', { method: 'DELETE' });
  t.is(purge.status, 200);
  t.is((await h.nomad('/v1/job/s')).status, 404);
});

test('job summary and evaluations follow the scheduler', async (t) => {
  const h = await startSim(t);
  const reg = (await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('sum', { count: 2 }) })).json as { EvalID: string };
  await waitFor('eval complete', async () => (((await h.nomad(`/v1/evaluation/${reg.EvalID}`)).json as { Status: string }).Status === 'complete' ? true : undefined));
  await waitFor('running summary', async () => {
    const s = (await h.nomad('/v1/job/sum/summary')).json as { Summary: { app: { Running: number } } };
    return s.Summary.app.Running === 2 ? true : undefined;
  });
  const evals = (await h.nomad('/v1/job/sum/evaluations')).json as Array<{ ID: string; TriggeredBy: string }>;
  t.true(evals.some((e) => e.ID === reg.EvalID && e.TriggeredBy === 'job-register'));
  const allocs = (await h.nomad(`/v1/evaluation/${reg.EvalID}/allocations`)).json as unknown[];
  t.is(allocs.length, 2);
  t.is(((await h.nomad('/v1/status/leader')).json as string), '127.0.0.1:4647');
});
