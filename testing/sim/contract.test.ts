// The simulator's Nomad responses checked against the Nomad OpenAPI spec.
// Where the spec is known wrong (shared/reference/nomad-consul-api.md §1.4)
// the simulator follows the reference; such fields are noted below.
import type { ExecutionContext } from 'ava';
import { nomadSpecSkipReason, validateNomadSchema } from '../openapi/validate.js';
import { allocsOf, mockJob, startSim } from './test-support.js';
import { waitFor } from '../support/wait-for.js';
import { testUnless } from '../support/skip.js';

function check(t: ExecutionContext, schema: string, value: unknown): void {
  t.deepEqual(validateNomadSchema(schema, value), [], `${schema} does not match the spec`);
}

const specTest = testUnless(nomadSpecSkipReason());

specTest('the contract checker reports violations with their path', (t) => {
  const errors = validateNomadSchema('Job', { ID: 'x', TaskGroups: [{ Count: 'two' }] });
  t.deepEqual(errors, ['/TaskGroups/0/Count must be integer']);
  t.deepEqual(validateNomadSchema('Job', { ID: 'x', Periodic: null, TaskGroups: null }), []);
  t.throws(() => validateNomadSchema('NoSuchSchema', {}), { message: /NoSuchSchema/ });
});

specTest('job, list, scale, allocation, evaluation and node responses match the spec schemas', async (t) => {
  const h = await startSim(t);
  const group = { Scaling: { Min: 0, Max: 3 }, Networks: [{ DynamicPorts: [{ Label: 'http' }] }], Services: [{ Name: 'c', PortLabel: 'http', Checks: [{ Type: 'tcp', Interval: 1e9, Timeout: 1e9 }] }] };
  const reg = await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('contract', { count: 2, group }) });
  // The spec's JobRegisterResponse lists the Go client's LastIndex/RequestTime; the server sends Index/LastContact/KnownLeader (§1.4.3). Extra fields pass.
  check(t, 'JobRegisterResponse', reg.json);
  await waitFor('allocs running', async () => ((await allocsOf(h, 'contract')).filter((a) => a.ClientStatus === 'running').length === 2 ? true : undefined));
  check(t, 'Job', (await h.nomad('/v1/job/contract')).json);
  for (const stub of (await h.nomad('/v1/jobs')).json as unknown[]) check(t, 'JobListStub', stub);
  check(t, 'JobSummary', (await h.nomad('/v1/job/contract/summary')).json);
  const scale = await h.nomad('/v1/job/contract/scale', { method: 'POST', body: { Count: 1, Target: { Group: 'app' }, Message: 'm' } });
  check(t, 'JobRegisterResponse', scale.json);
  check(t, 'JobScaleStatusResponse', (await h.nomad('/v1/job/contract/scale')).json);
  const allocs = (await h.nomad('/v1/job/contract/allocations?all=true')).json as Array<{ ID: string }>;
  for (const a of allocs) check(t, 'AllocationListStub', a);
  check(t, 'Allocation', (await h.nomad(`/v1/allocation/${allocs[0]?.ID ?? ''}`)).json);
  for (const ev of (await h.nomad('/v1/evaluations')).json as unknown[]) check(t, 'Evaluation', ev);
  for (const n of (await h.nomad('/v1/nodes?resources=true')).json as unknown[]) check(t, 'NodeListStub', n);
  const nodeId = h.sim.control.nodes()[0]?.id ?? '';
  check(t, 'Node', (await h.nomad(`/v1/node/${nodeId}`)).json);
  check(t, 'JobPlanResponse', (await h.nomad('/v1/job/contract/plan', { method: 'POST', body: { ...mockJob('contract', { count: 3, group }), Diff: true } })).json);
  check(t, 'JobValidateResponse', (await h.nomad('/v1/validate/job', { method: 'POST', body: mockJob('v') })).json);
  check(t, 'JobDeregisterResponse', (await h.nomad('/v1/job/contract', { method: 'DELETE' })).json);
});
