// What the job runner expects of its JobsPort (agent/jobs-runner/ports.ts),
// run against the port over real Nomad, over the simulator, and against the
// in-memory fake its unit tests use (testing/support/fake-jobs-ports.ts).
import type { JobsPort } from '../../agent/jobs-runner/ports.js';
import type { Job } from '../../agent/nomad/types.js';
import { eventually, type ContractCase } from './target.js';

export type JobsPortKind = 'simulator' | 'real' | 'fake';

export interface JobsPortTarget {
  readonly kind: JobsPortKind;
  readonly jobs: JobsPort;
}

const S = 1_000_000_000;

function job(id: string, extra: { sleep?: number; namespace?: string } = {}): Job {
  return {
    ID: id,
    Name: id,
    Type: 'service',
    Datacenters: ['*'],
    ...(extra.namespace === undefined ? {} : { Namespace: extra.namespace }),
    TaskGroups: [{
      Name: 'g',
      Count: 1,
      Tasks: [{ Name: 'main', Driver: 'raw_exec', Config: { command: '/bin/sh', args: ['-c', `exec sleep ${extra.sleep ?? 3600}`] }, Resources: { CPU: 50, MemoryMB: 32 }, KillTimeout: S }],
    }],
  };
}

const FAKE_NO_NAMESPACES = 'the fake keeps one job table for every namespace: the runner\'s unit tests do not depend on namespaces';

export const JOBS_PORT_CASES: ReadonlyArray<ContractCase<JobsPortKind, JobsPortTarget>> = [
  {
    title: 'an unknown job reads as undefined and has no allocations',
    async run(t, { jobs }) {
      t.is(await jobs.read('jp-none'), undefined);
      t.deepEqual(await jobs.allocations('jp-none'), []);
    },
  },
  {
    title: 'a registered job reads back at version 0; an identical register keeps the version, a change bumps it',
    async run(t, { jobs }) {
      t.teardown(async () => {
        await jobs.deregister('jp-reg', true).catch(() => undefined);
      });
      const first = await jobs.register(job('jp-reg'));
      t.not(first.evalId, '');
      t.is((await jobs.read('jp-reg'))?.Version, 0);
      await jobs.register(job('jp-reg'));
      t.is((await jobs.read('jp-reg'))?.Version, 0);
      await jobs.register(job('jp-reg', { sleep: 3601 }));
      t.is((await jobs.read('jp-reg'))?.Version, 1);
    },
  },
  {
    title: 'the plan of the registered job shows no change and the plan of a changed one does',
    async run(t, { jobs }) {
      t.teardown(async () => {
        await jobs.deregister('jp-plan', true).catch(() => undefined);
      });
      await jobs.register(job('jp-plan'));
      t.is((await jobs.plan(job('jp-plan'))).Diff?.Type, 'None');
      t.not((await jobs.plan(job('jp-plan', { sleep: 3601 }))).Diff?.Type, 'None');
    },
  },
  {
    title: 'the register evaluation completes without placement failures',
    async run(t, { jobs }) {
      t.teardown(async () => {
        await jobs.deregister('jp-eval', true).catch(() => undefined);
      });
      const { evalId } = await jobs.register(job('jp-eval'));
      const evaluation = await eventually('the evaluation to complete', async () => {
        const e = await jobs.evaluation(evalId);
        return e.Status === 'complete' ? e : undefined;
      });
      t.true(evaluation.FailedTGAllocs === undefined || evaluation.FailedTGAllocs === null || Object.keys(evaluation.FailedTGAllocs).length === 0);
    },
  },
  {
    title: 'a stopped job still reads, marked Stop; a purged one reads as undefined',
    async run(t, { jobs }) {
      await jobs.register(job('jp-stop'));
      await jobs.deregister('jp-stop', false);
      t.is((await jobs.read('jp-stop'))?.Stop, true);
      await jobs.deregister('jp-stop', true);
      t.is(await jobs.read('jp-stop'), undefined);
    },
    skip: { fake: 'the fake marks a purged job stopped instead of forgetting it; no runner test purges and reads back' },
  },
  {
    title: 'a port for a namespace Nomad does not know creates it on register and reads the job there only',
    skip: { fake: FAKE_NO_NAMESPACES },
    async run(t, { jobs }) {
      const scoped = jobs.inNamespace('jp-space');
      t.teardown(async () => {
        await scoped.deregister('jp-ns', true).catch(() => undefined);
      });
      await scoped.register(job('jp-ns', { namespace: 'jp-space' }));
      t.is((await scoped.read('jp-ns'))?.Namespace, 'jp-space');
      t.is(await jobs.read('jp-ns'), undefined, 'not in the default namespace');
      // A second port for the same namespace finds it existing (idempotent).
      await jobs.inNamespace('jp-space').register(job('jp-ns', { namespace: 'jp-space' }));
      t.is((await scoped.read('jp-ns'))?.Version, 0);
    },
  },
];
