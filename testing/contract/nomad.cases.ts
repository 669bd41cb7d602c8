// The Nomad behaviours hearth relies on, written once and run against every
// implementation: real Nomad (testing/contract/nomad-real.test.ts) and the
// simulator (nomad-sim.test.ts). A simulator test is evidence only for
// behaviour one of these cases also checks against real Nomad.
import type { ExecutionContext } from 'ava';
import { call, eventually, type ContractCase, type NomadKind, type NomadTarget, type Reply } from './target.js';

const S = 1_000_000_000;

interface JobShape {
  readonly type?: 'service' | 'batch';
  readonly count?: number;
  readonly command?: string;
  readonly memoryMb?: number;
  readonly namespace?: string;
  /** The group's update block; a short deployment by default, none with null. */
  readonly update?: Record<string, unknown> | null;
}

/** A one-group raw_exec job: `command` runs under /bin/sh; nothing restarts or reschedules. */
export function contractJob(id: string, shape: JobShape = {}): Record<string, unknown> {
  const type = shape.type ?? 'service';
  return {
    ID: id,
    Name: id,
    Type: type,
    ...(shape.namespace === undefined ? {} : { Namespace: shape.namespace }),
    Datacenters: ['*'],
    TaskGroups: [{
      Name: 'g',
      Count: shape.count ?? 1,
      RestartPolicy: { Attempts: 0, Interval: 60 * S, Delay: S, Mode: 'fail' },
      ReschedulePolicy: { Attempts: 0, Interval: 0, Unlimited: false },
      ...(type === 'service' && shape.update !== null ? { Update: shape.update ?? { MaxParallel: 1, HealthCheck: 'task_states', MinHealthyTime: S, HealthyDeadline: 60 * S, ProgressDeadline: 120 * S, AutoRevert: false } } : {}),
      Tasks: [{
        Name: 'main',
        Driver: 'raw_exec',
        Config: { command: '/bin/sh', args: ['-c', shape.command ?? 'exec sleep 3600'] },
        Resources: { CPU: 50, MemoryMB: shape.memoryMb ?? 32 },
        KillTimeout: S,
      }],
    }],
  };
}

interface Alloc {
  ID: string;
  ClientStatus: string;
  DesiredStatus: string;
  TaskStates?: Record<string, { State: string; Failed: boolean; Events: Array<{ Type: string; ExitCode?: number; Details?: Record<string, string> }> }> | null;
}

interface Evaluation {
  ID: string;
  Status: string;
  BlockedEval?: string;
  FailedTGAllocs?: Record<string, { DimensionExhausted?: Record<string, number> | null; NodesEvaluated?: number }> | null;
}

interface Deployment {
  ID: string;
  Status: string;
  StatusDescription: string;
  JobVersion: number;
}

function nomad(target: NomadTarget) {
  const q = (path: string, ns?: string) => (ns === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}namespace=${ns}`);
  return {
    get: (path: string, ns?: string) => call(target.nomadAddr, 'GET', q(path, ns)),
    put: (path: string, body: unknown, ns?: string) => call(target.nomadAddr, 'PUT', q(path, ns), body),
    post: (path: string, body: unknown, ns?: string) => call(target.nomadAddr, 'POST', q(path, ns), body),
    del: (path: string, ns?: string) => call(target.nomadAddr, 'DELETE', q(path, ns)),
  };
}

function ok(t: ExecutionContext, reply: Reply, what: string): unknown {
  t.is(reply.status, 200, `${what}: ${reply.text}`);
  return reply.json;
}

/** Purges the job when the test ends, whatever happened. */
function purgeLater(t: ExecutionContext, target: NomadTarget, id: string, ns?: string): void {
  t.teardown(async () => {
    await nomad(target).del(`/v1/job/${id}?purge=true`, ns);
  });
}

async function allocs(target: NomadTarget, id: string, ns?: string): Promise<Alloc[]> {
  return (await nomad(target).get(`/v1/job/${id}/allocations`, ns)).json as Alloc[];
}

async function running(target: NomadTarget, id: string, count: number): Promise<Alloc[]> {
  return eventually(`${count} running allocation(s) of ${id}`, async () => {
    const live = (await allocs(target, id)).filter((a) => a.DesiredStatus === 'run' && a.ClientStatus === 'running');
    return live.length === count ? live : undefined;
  });
}

async function evaluation(target: NomadTarget, evalId: string): Promise<Evaluation> {
  return eventually(`evaluation ${evalId} to finish`, async () => {
    const ev = (await nomad(target).get(`/v1/evaluation/${evalId}`)).json as Evaluation | undefined;
    return ev !== undefined && ev.Status !== 'pending' ? ev : undefined;
  });
}

/** Waits until no deployment of the job is running (each one hearth starts must end before the next scale). */
async function deploymentsSettled(target: NomadTarget, id: string): Promise<Deployment[]> {
  return eventually(`deployments of ${id} to settle`, async () => {
    const list = (await nomad(target).get(`/v1/job/${id}/deployments`)).json as Deployment[];
    return list.every((d) => d.Status !== 'running' && d.Status !== 'pending' && d.Status !== 'initializing') ? list : undefined;
  }, 120_000);
}

async function jobVersion(target: NomadTarget, id: string): Promise<number> {
  return ((await nomad(target).get(`/v1/job/${id}`)).json as { Version: number }).Version;
}

/** Reads the event stream until `match` holds for an event or the time is up; returns the events seen. */
async function readEvents(target: NomadTarget, query: string, match: (e: { Topic: string; Type: string; Key: string; Index: number }) => boolean, timeoutMs = 20_000): Promise<Array<{ Topic: string; Type: string; Key: string; Index: number }>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen: Array<{ Topic: string; Type: string; Key: string; Index: number }> = [];
  try {
    const res = await fetch(`${target.nomadAddr}/v1/event/stream?${query}`, { signal: controller.signal });
    const reader = res.body?.getReader();
    if (reader === undefined) return seen;
    const decoder = new TextDecoder();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '' || line.trim() === '{}') continue;
        const frame = JSON.parse(line) as { Events?: Array<{ Topic: string; Type: string; Key: string; Index: number }> };
        for (const e of frame.Events ?? []) {
          seen.push(e);
          if (match(e)) return seen;
        }
      }
    }
  } catch (err) {
    if (controller.signal.aborted) return seen;
    throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

export const NOMAD_CASES: ReadonlyArray<ContractCase<NomadKind, NomadTarget>> = [
  {
    title: 'a register without EnforceIndex creates version 0, an identical one keeps it and a change bumps it',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-register');
      const first = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-register') }), 'register') as { EvalID: string; JobModifyIndex: number };
      t.regex(first.EvalID, /^[0-9a-f-]{36}$/);
      t.true(first.JobModifyIndex > 0);
      t.is(await jobVersion(target, 'c-register'), 0);
      const again = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-register') }), 'identical register') as { JobModifyIndex: number };
      // Every register is a write (JobModifyIndex moves) but an unchanged spec is not a new version.
      t.true(again.JobModifyIndex > first.JobModifyIndex);
      t.is(await jobVersion(target, 'c-register'), 0);
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-register', { command: 'exec sleep 3601' }) }), 'changed register');
      t.is(await jobVersion(target, 'c-register'), 1);
    },
  },
  {
    title: 'a register with EnforceIndex succeeds only at the current JobModifyIndex (0 for a new job)',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-enforce');
      const created = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-enforce'), EnforceIndex: true, JobModifyIndex: 0 }), 'create with index 0') as { JobModifyIndex: number };
      const exists = await api.put('/v1/jobs', { Job: contractJob('c-enforce', { command: 'exec sleep 3601' }), EnforceIndex: true, JobModifyIndex: 0 });
      t.is(exists.status, 500);
      t.regex(exists.text, /Enforcing job modify index 0: job already exists/);
      const updated = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-enforce', { command: 'exec sleep 3601' }), EnforceIndex: true, JobModifyIndex: created.JobModifyIndex }), 'update at the current index') as { JobModifyIndex: number };
      t.true(updated.JobModifyIndex > created.JobModifyIndex);
      const stale = await api.put('/v1/jobs', { Job: contractJob('c-enforce', { command: 'exec sleep 3602' }), EnforceIndex: true, JobModifyIndex: created.JobModifyIndex });
      t.is(stale.status, 500);
      t.regex(stale.text, new RegExp(`Enforcing job modify index ${created.JobModifyIndex}: job exists with conflicting job modify index: ${updated.JobModifyIndex}`));
    },
  },
  {
    title: 'the plan of an unchanged job has a diff of type None and no placement failures; a count change is Edited',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-plan');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-plan') }), 'register');
      await running(target, 'c-plan', 1);
      const same = ok(t, await api.post('/v1/job/c-plan/plan', { Job: contractJob('c-plan'), Diff: true }), 'plan') as { Diff: { Type: string }; FailedTGAllocs?: unknown };
      t.is(same.Diff.Type, 'None');
      // Real Nomad leaves FailedTGAllocs out when nothing failed; readers must take absent and null alike.
      t.true(same.FailedTGAllocs === undefined || same.FailedTGAllocs === null);
      const more = ok(t, await api.post('/v1/job/c-plan/plan', { Job: contractJob('c-plan', { count: 2 }), Diff: true }), 'plan count 2') as { Diff: { Type: string }; Annotations: { DesiredTGUpdates: Record<string, { Place?: number }> } };
      t.is(more.Diff.Type, 'Edited');
      t.is(more.Annotations.DesiredTGUpdates.g?.Place, 1);
      t.is(await jobVersion(target, 'c-plan'), 0, 'a plan changes nothing');
    },
  },
  {
    title: 'scaling a group to 0 stops its allocations and scaling it back starts one; both are scaling events',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-scale');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-scale') }), 'register');
      await running(target, 'c-scale', 1);
      await deploymentsSettled(target, 'c-scale');
      const down = ok(t, await api.post('/v1/job/c-scale/scale', { Count: 0, Target: { Group: 'g' }, Message: 'to zero' }), 'scale to 0') as { EvalID: string };
      t.regex(down.EvalID, /^[0-9a-f-]{36}$/);
      await eventually('no running allocation', async () => ((await allocs(target, 'c-scale')).some((a) => a.ClientStatus === 'running') ? undefined : true));
      const status = ok(t, await api.get('/v1/job/c-scale/scale'), 'scale status') as { TaskGroups: Record<string, { Desired: number; Events: Array<{ Count: number | null; Message: string }> | null }> };
      t.is(status.TaskGroups.g?.Desired, 0);
      await deploymentsSettled(target, 'c-scale');
      ok(t, await api.post('/v1/job/c-scale/scale', { Count: 1, Target: { Group: 'g' }, Message: 'back up' }), 'scale to 1');
      await running(target, 'c-scale', 1);
      const after = ok(t, await api.get('/v1/job/c-scale/scale'), 'scale status') as { TaskGroups: Record<string, { Events: Array<{ Count: number | null; Message: string }> | null }> };
      const messages = (after.TaskGroups.g?.Events ?? []).map((e) => [e.Count, e.Message]);
      t.deepEqual(messages.slice(0, 2), [[1, 'back up'], [0, 'to zero']], 'newest event first');
    },
  },
  {
    title: 'a count change starts a deployment, a scale during it is refused, and healthy allocations complete it',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-deploy');
      const update = { MaxParallel: 1, HealthCheck: 'task_states', MinHealthyTime: 3 * S, HealthyDeadline: 60 * S, ProgressDeadline: 120 * S, AutoRevert: false };
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-deploy', { update }) }), 'register');
      const first = await eventually('a deployment', async () => ((await api.get('/v1/job/c-deploy/deployments')).json as Deployment[])[0]);
      t.is(first.Status, 'running');
      const blocked = await api.post('/v1/job/c-deploy/scale', { Count: 2, Target: { Group: 'g' } });
      t.is(blocked.status, 400);
      t.regex(blocked.text, /job scaling blocked due to active deployment/);
      const [done] = await deploymentsSettled(target, 'c-deploy');
      t.is(done?.Status, 'successful');
      t.is(done?.StatusDescription, 'Deployment completed successfully');
      ok(t, await api.post('/v1/job/c-deploy/scale', { Count: 2, Target: { Group: 'g' } }), 'scale once it completed');
      const second = await eventually('a second deployment', async () => {
        const list = (await api.get('/v1/job/c-deploy/deployments')).json as Deployment[];
        return list.length === 2 ? list : undefined;
      });
      t.is(new Set(second.map((d) => d.ID)).size, 2, 'a scale is a new deployment');
      const [latest] = await deploymentsSettled(target, 'c-deploy');
      t.is(latest?.Status, 'successful');
      await running(target, 'c-deploy', 2);
    },
  },
  {
    title: 'during a deployment a count-less scaling event is accepted, and a register with EnforceIndex changes the count and cancels the deployment',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-deploy-reg');
      // MinHealthyTime long enough that the deployment is still running for the whole case.
      const update = { MaxParallel: 1, HealthCheck: 'task_states', MinHealthyTime: 120 * S, HealthyDeadline: 300 * S, ProgressDeadline: 600 * S, AutoRevert: false };
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-deploy-reg', { update }) }), 'register');
      const first = await eventually('a deployment', async () => ((await api.get('/v1/job/c-deploy-reg/deployments')).json as Deployment[])[0]);
      t.is(first.Status, 'running');
      t.is((await api.post('/v1/job/c-deploy-reg/scale', { Count: 0, Target: { Group: 'g' } })).status, 400, 'a count change through scale is blocked');
      ok(t, await api.post('/v1/job/c-deploy-reg/scale', { Target: { Group: 'g' }, Message: 'only an event' }), 'count-less scaling event');
      const job = ok(t, await api.get('/v1/job/c-deploy-reg'), 'read') as { JobModifyIndex: number; TaskGroups: Array<Record<string, unknown>> };
      const stale = await api.put('/v1/jobs', { Job: { ...job, TaskGroups: job.TaskGroups.map((g) => ({ ...g, Count: 0 })) }, EnforceIndex: true, JobModifyIndex: job.JobModifyIndex - 1 });
      t.not(stale.status, 200, 'a stale EnforceIndex is refused');
      t.regex(stale.text, /Enforcing job modify index/);
      ok(t, await api.put('/v1/jobs', { Job: { ...job, TaskGroups: job.TaskGroups.map((g) => ({ ...g, Count: 0 })) }, EnforceIndex: true, JobModifyIndex: job.JobModifyIndex }), 'register count 0');
      await eventually('no running allocation', async () => ((await allocs(target, 'c-deploy-reg')).some((a) => a.ClientStatus === 'running') ? undefined : true));
      const cancelled = await eventually('the first deployment ended', async () => {
        const list = (await api.get('/v1/job/c-deploy-reg/deployments')).json as Deployment[];
        const same = list.find((d) => d.ID === first.ID);
        return same !== undefined && same.Status !== 'running' ? same : undefined;
      });
      t.is(cancelled.Status, 'cancelled');
      t.is(cancelled.StatusDescription, 'Cancelled due to newer version of job');
      ok(t, await api.post('/v1/job/c-deploy-reg/scale', { Count: 1, Target: { Group: 'g' } }), 'at count 0 nothing deploys: scale up is accepted');
      await running(target, 'c-deploy-reg', 1);
    },
  },
  {
    title: 'a service job without an update block deploys with the default strategy; max_parallel = 0 turns deployments off',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-deploy-default');
      purgeLater(t, target, 'c-deploy-off');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-deploy-default', { update: null }) }), 'register without update');
      const stored = ok(t, await api.get('/v1/job/c-deploy-default'), 'read') as { TaskGroups: Array<{ Update?: { MaxParallel?: number; MinHealthyTime?: number; HealthCheck?: string } | null }> };
      t.like(stored.TaskGroups[0]?.Update ?? {}, { MaxParallel: 1, MinHealthyTime: 10 * S, HealthCheck: 'checks' });
      const first = await eventually('a deployment', async () => ((await api.get('/v1/job/c-deploy-default/deployments')).json as Deployment[])[0]);
      t.is(first.Status, 'running');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-deploy-off', { update: { MaxParallel: 0 } }) }), 'register with max_parallel 0');
      await running(target, 'c-deploy-off', 1);
      t.deepEqual((await api.get('/v1/job/c-deploy-off/deployments')).json, [], 'no deployment');
      ok(t, await api.post('/v1/job/c-deploy-off/scale', { Count: 2, Target: { Group: 'g' } }), 'scale at any time');
    },
  },
  {
    title: 'a job service with an HTTP check registers in Consul, passes, and its passing check completes the deployment',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-checks');
      const server = `require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.NOMAD_PORT_http, process.env.NOMAD_IP_http)`;
      const job = contractJob('c-checks', { update: { MaxParallel: 1, HealthCheck: 'checks', MinHealthyTime: S, HealthyDeadline: 60 * S, ProgressDeadline: 120 * S, AutoRevert: false } });
      const group = (job.TaskGroups as Array<Record<string, unknown>>)[0] ?? {};
      group.Networks = [{ DynamicPorts: [{ Label: 'http' }] }];
      group.Services = [{ Name: 'c-checks-web', PortLabel: 'http', Provider: 'consul', Tags: ['contract'], Checks: [{ Name: 'alive', Type: 'http', Path: '/', Interval: S, Timeout: S }] }];
      const task = (group.Tasks as Array<Record<string, unknown>>)[0] ?? {};
      task.Config = { command: process.execPath, args: ['-e', server] };
      task.ShutdownDelay = S;
      ok(t, await api.put('/v1/jobs', { Job: job }), 'register');
      const entries = await eventually('the service passing in Consul', async () => {
        const list = (await call(target.consulAddr, 'GET', '/v1/health/service/c-checks-web?passing')).json as Array<{ Service: { Port: number; Tags: string[] } }>;
        return list.length === 1 ? list : undefined;
      });
      t.deepEqual(entries[0]?.Service.Tags, ['contract']);
      const [done] = await deploymentsSettled(target, 'c-checks');
      t.is(done?.Status, 'successful');
      const [alloc] = (await allocs(target, 'c-checks')).filter((a) => a.DesiredStatus === 'run');
      const detail = (await api.get(`/v1/allocation/${alloc?.ID ?? ''}`)).json as { DeploymentStatus?: { Healthy?: boolean } | null };
      t.is(detail.DeploymentStatus?.Healthy, true);
      ok(t, await api.del('/v1/job/c-checks'), 'stop');
      await eventually('the service gone from Consul', async () => {
        const list = (await call(target.consulAddr, 'GET', '/v1/health/service/c-checks-web')).json as unknown[];
        return list.length === 0 ? true : undefined;
      });
    },
  },
  {
    title: 'an evaluation that places everything has no FailedTGAllocs; one that cannot place reports why and leaves a blocked evaluation',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-eval-ok');
      purgeLater(t, target, 'c-eval-big');
      const placed = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-eval-ok') }), 'register') as { EvalID: string };
      const good = await evaluation(target, placed.EvalID);
      t.is(good.Status, 'complete');
      t.true(good.FailedTGAllocs === undefined || good.FailedTGAllocs === null || Object.keys(good.FailedTGAllocs).length === 0);
      t.is(good.BlockedEval ?? '', '');
      const big = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-eval-big', { memoryMb: 10_000_000 }) }), 'register too big') as { EvalID: string };
      const bad = await evaluation(target, big.EvalID);
      t.is(bad.Status, 'complete');
      t.truthy(bad.FailedTGAllocs?.g, JSON.stringify(bad));
      t.true(Object.keys(bad.FailedTGAllocs?.g?.DimensionExhausted ?? {}).includes('memory'), JSON.stringify(bad.FailedTGAllocs));
      t.not(bad.BlockedEval ?? '', '');
      const blocked = (await api.get(`/v1/evaluation/${bad.BlockedEval ?? ''}`)).json as Evaluation;
      t.is(blocked.Status, 'blocked');
    },
  },
  {
    title: 'a failed allocation carries its task events and its logs are read through the client filesystem API',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-events');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-events', { type: 'batch', command: 'echo contract-out; echo contract-err >&2; exit 3' }) }), 'register');
      const alloc = await eventually('a failed allocation', async () => (await allocs(target, 'c-events')).find((a) => a.ClientStatus === 'failed'));
      const state = alloc.TaskStates?.main;
      t.is(state?.State, 'dead');
      t.true(state?.Failed);
      const types = (state?.Events ?? []).map((e) => e.Type);
      for (const wanted of ['Received', 'Task Setup', 'Started', 'Terminated', 'Not Restarting']) t.true(types.includes(wanted), `${wanted} in ${types.join(', ')}`);
      const terminated = state?.Events.find((e) => e.Type === 'Terminated');
      t.is(terminated?.ExitCode ?? Number(terminated?.Details?.exit_code), 3);
      const logs = (type: string) => api.get(`/v1/client/fs/logs/${alloc.ID}?task=main&type=${type}&origin=start&offset=0&plain=true`);
      t.is((await logs('stdout')).text, 'contract-out\n');
      t.is((await logs('stderr')).text, 'contract-err\n');
      const noTask = await api.get(`/v1/client/fs/logs/${alloc.ID}?type=stdout&plain=true`);
      t.is(noTask.status, 400);
      t.regex(noTask.text, /must provide task name/);
    },
  },
  {
    title: 'a job in a namespace Nomad does not know is refused until the namespace is created',
    async run(t, target) {
      const api = nomad(target);
      t.teardown(async () => {
        await api.del('/v1/job/c-ns?purge=true', 'contract-ns');
        await eventually('the namespace to be deleted', async () => ((await api.del('/v1/namespace/contract-ns')).status === 200 ? true : undefined), 30_000).catch(() => undefined);
      });
      const refused = await api.put('/v1/jobs', { Job: contractJob('c-ns', { namespace: 'contract-ns' }) });
      t.is(refused.status, 500);
      t.regex(refused.text, /job "c-ns" is in nonexistent namespace "contract-ns"/);
      const validated = ok(t, await api.post('/v1/validate/job', { Job: contractJob('c-ns', { namespace: 'contract-ns' }) }), 'validate') as { ValidationErrors: string[] | null };
      t.deepEqual(validated.ValidationErrors, ['job "c-ns" is in nonexistent namespace "contract-ns"']);
      const missing = await api.get('/v1/namespace/contract-ns');
      t.is(missing.status, 404);
      t.regex(missing.text, /Namespace not found/);
      ok(t, await api.post('/v1/namespace/contract-ns', { Name: 'contract-ns', Description: 'contract' }), 'create namespace');
      ok(t, await api.post('/v1/namespace/contract-ns', { Name: 'contract-ns', Description: 'contract' }), 'create it again');
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-ns', { namespace: 'contract-ns' }) }), 'register in it');
      t.deepEqual(((await api.get('/v1/jobs', 'contract-ns')).json as Array<{ ID: string }>).map((j) => j.ID), ['c-ns']);
      t.false(((await api.get('/v1/jobs')).json as Array<{ ID: string }>).some((j) => j.ID === 'c-ns'), 'not in the default namespace');
      t.is((await api.get('/v1/job/c-ns')).status, 404);
    },
  },
  {
    title: 'the event stream delivers job events with their index and resumes from a given index',
    async run(t, target) {
      const api = nomad(target);
      purgeLater(t, target, 'c-stream');
      const listening = readEvents(target, 'topic=Job:c-stream', (e) => e.Type === 'JobRegistered');
      await new Promise((r) => setTimeout(r, 500));
      ok(t, await api.put('/v1/jobs', { Job: contractJob('c-stream') }), 'register');
      const firstSeen = (await listening).find((e) => e.Type === 'JobRegistered');
      t.truthy(firstSeen, 'a JobRegistered event');
      const second = ok(t, await api.put('/v1/jobs', { Job: contractJob('c-stream', { command: 'exec sleep 3601' }) }), 'update') as { JobModifyIndex: number };
      // Resuming after the first event's index replays what came after it and nothing before.
      const resumed = await readEvents(target, `topic=Job:c-stream&index=${(firstSeen?.Index ?? 0) + 1}`, (e) => e.Type === 'JobRegistered' && e.Index >= second.JobModifyIndex);
      t.true(resumed.length > 0, 'events after the resume index');
      t.true(resumed.every((e) => e.Index > (firstSeen?.Index ?? 0)), JSON.stringify(resumed.map((e) => [e.Type, e.Index])));
      t.true(resumed.some((e) => e.Type === 'JobRegistered' && e.Key === 'c-stream'));
    },
  },
];
