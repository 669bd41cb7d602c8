// The bodies the client sends for register and scale validate against the
// schemas of the Nomad OpenAPI spec (through testing/openapi/validate.ts).
import { nomadSpecSkipReason, validateNomadSchema } from '../../testing/openapi/validate.js';
import { sendJson, startFakeServer } from '../../testing/support/fake-http-server.js';
import { createSilentLogger } from '../log.js';
import { createNomadClient } from './client.js';
import type { Job } from './types.js';
import { testUnless } from '../../testing/support/skip.js';

const job: Job = {
  ID: 'prima-api-llama',
  Name: 'prima-api-llama',
  Type: 'service',
  Datacenters: ['dc1'],
  Meta: { owner: 'hearth' },
  TaskGroups: [
    {
      Name: 'expert',
      Count: 1,
      Networks: [{ Mode: 'host', DynamicPorts: [{ Label: 'http', To: 8080 }] }],
      Services: [
        {
          Name: 'prima-api-llama',
          PortLabel: 'http',
          Provider: 'consul',
          Checks: [{ Name: 'alive', Type: 'http', Path: '/health', Interval: 10_000_000_000, Timeout: 2_000_000_000 }],
        },
      ],
      Scaling: { Min: 0, Max: 2, Enabled: true, Policy: {} },
      Tasks: [{ Name: 'server', Driver: 'exec', Config: { command: '/usr/bin/llama-server' }, Resources: { CPU: 500, MemoryMB: 2048 } }],
    },
  ],
};

async function captureBodies(): Promise<{ register: unknown; scale: unknown; scaleEventOnly: unknown }> {
  const server = await startFakeServer((_req, res) => sendJson(res, 200, { EvalID: '', Index: 1 }));
  const nomad = createNomadClient({ addr: server.url, log: createSilentLogger() });
  try {
    await nomad.jobs.register(job, { enforceIndex: true, jobModifyIndex: 0, preserveCounts: true, policyOverride: true });
    await nomad.jobs.scale(job.ID, { group: 'expert', count: 0, message: 'idle', meta: { reason: 'idle' }, jobModifyIndex: 3 });
    await nomad.jobs.scale(job.ID, { group: 'expert', count: null, message: 'noted' });
    const [register, scale, scaleEventOnly] = server.requests.map((r) => JSON.parse(r.body) as unknown);
    return { register, scale, scaleEventOnly };
  } finally {
    await nomad.close();
    await server.close();
  }
}

const specTest = testUnless(nomadSpecSkipReason());

specTest('register and scale bodies validate against JobRegisterRequest and ScalingRequest', async (t) => {
  const check = validateNomadSchema;
  const bodies = await captureBodies();
  t.deepEqual(check('JobRegisterRequest', bodies.register), []);
  t.deepEqual(check('ScalingRequest', bodies.scale), []);
  t.deepEqual(check('ScalingRequest', bodies.scaleEventOnly), []);
  // The check itself can fail: a wrongly typed body is reported.
  t.not(check('JobRegisterRequest', { Job: { ID: 7, TaskGroups: 'x' } }).length, 0);
});
