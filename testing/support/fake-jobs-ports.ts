// An in-memory JobsPort/HealthPort for the runner's unit tests: jobs are
// stored as registered, allocations and health are whatever the test sets.
import { HttpApiError } from '../../agent/errors.js';
import type { AllocationListStub, Evaluation, Job, PlanResponse } from '../../agent/nomad/types.js';
import type { HealthPort, JobsPort, ServiceHealth } from '../../agent/jobs-runner/ports.js';

export interface FakeCluster {
  readonly jobs: JobsPort;
  readonly health: HealthPort;
  readonly registered: Job[];
  readonly state: {
    allocations: (job: Job) => AllocationListStub[];
    evaluation: (job: Job) => Partial<Evaluation>;
    health: (name: string, job: Job | undefined) => ServiceHealth;
    /** A task's stdout; undefined answers as Nomad does for an unknown allocation. */
    stdout: (allocId: string, task: string) => string | undefined;
  };
}

export function buildAlloc(job: Job, group: string, status: AllocationListStub['ClientStatus'], index = 0): AllocationListStub {
  return {
    ID: `${job.ID}-${group}-${index}-0000-0000`.padEnd(36, '0'),
    EvalID: 'eval',
    Name: `${job.ID}.${group}[${index}]`,
    Namespace: 'default',
    NodeID: `node-${index}`,
    NodeName: `node-${index}`,
    JobID: job.ID,
    JobType: job.Type ?? 'service',
    JobVersion: job.Version ?? 0,
    TaskGroup: group,
    DesiredStatus: 'run',
    DesiredDescription: '',
    ClientStatus: status,
    ClientDescription: '',
    TaskStates: status === 'failed' ? { t: { State: 'dead', Failed: true, Restarts: 3, LastRestart: null, StartedAt: null, FinishedAt: null, Events: [{ Type: 'Terminated', Time: 0, Message: '', DisplayMessage: 'Exit Code: 1', Details: {} }] } } : null,
    DeploymentStatus: null,
    FollowupEvalID: '',
    CreateIndex: 1,
    ModifyIndex: 1,
    CreateTime: 0,
    ModifyTime: 0,
  };
}

export function createFakeCluster(): FakeCluster {
  const registered: Job[] = [];
  const current = new Map<string, Job>();
  const state: FakeCluster['state'] = {
    allocations: (job) => job.TaskGroups.flatMap((g) => Array.from({ length: g.Count ?? 1 }, (_, i) => buildAlloc(job, g.Name, 'running', i))),
    // Real Nomad leaves FailedTGAllocs out when nothing failed, so the fake does too.
    evaluation: () => ({ Status: 'complete' }),
    health: (name) => ({ name, passing: 5, total: 5 }),
    stdout: () => undefined,
  };
  const jobs: JobsPort = {
    describe: 'fake nomad',
    list: async () => [],
    read: async (id) => current.get(id),
    plan: async (job): Promise<PlanResponse> => {
      const old = current.get(job.ID);
      const same = old !== undefined && JSON.stringify({ ...old, Version: undefined }) === JSON.stringify({ ...job, Version: undefined });
      return { Annotations: null, Diff: { Type: same ? 'None' : 'Edited', ID: job.ID, Fields: null, Objects: null, TaskGroups: null }, FailedTGAllocs: null, JobModifyIndex: 0, NextPeriodicLaunch: '', Warnings: '', Index: 0 };
    },
    register: async (job) => {
      registered.push(job);
      // As Nomad: an unchanged spec keeps its version (testing/contract/jobs-port.cases.ts).
      const old = current.get(job.ID);
      const same = old !== undefined && old.Stop !== true && JSON.stringify({ ...old, Version: undefined }) === JSON.stringify({ ...job, Version: undefined });
      const version = same ? (old.Version ?? 0) : (old?.Version ?? -1) + 1;
      current.set(job.ID, { ...structuredClone(job), Version: version });
      return { evalId: `eval-${registered.length}-0000-0000`, jobModifyIndex: registered.length };
    },
    deregister: async (id) => {
      const old = current.get(id);
      if (old !== undefined) current.set(id, { ...old, Stop: true });
      return { evalId: 'eval-stop' };
    },
    allocations: async (id) => {
      const job = current.get(id);
      return job === undefined ? [] : state.allocations(job);
    },
    summary: async () => undefined,
    evaluation: async (id) => {
      const job = [...current.values()].at(-1);
      return { ID: id, Priority: 50, Type: 'service', TriggeredBy: 'job-register', Namespace: 'default', JobID: job?.ID ?? '', JobModifyIndex: 0, NodeID: '', DeploymentID: '', Status: 'complete', StatusDescription: '', BlockedEval: '', CreateIndex: 0, ModifyIndex: 0, CreateTime: 0, ModifyTime: 0, ...(job === undefined ? {} : state.evaluation(job)) };
    },
    taskStdout: async (allocId, task) => {
      const text = state.stdout(allocId, task);
      if (text === undefined) throw new HttpApiError('HEARTH_ERR_NOT_FOUND', { service: 'nomad', status: 404, body: `Unknown allocation "${allocId}"`, method: 'GET', url: `fake/v1/client/fs/logs/${allocId}` });
      return text;
    },
    // One job table for every namespace: the runner's tests do not depend on namespaces.
    inNamespace: () => jobs,
  };
  const health: HealthPort = {
    serviceHealth: async (name) => state.health(name, [...current.values()].find((j) => JSON.stringify(j).includes(`"${name}"`))),
  };
  return { jobs, health, registered, state };
}
