// Every job template against real Nomad: the job it renders validates with
// no errors and no warnings, and runs (llama.cpp replaced by the stand-ins of
// testing/fixtures; the real llama.cpp runs live in their own tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createSilentLogger } from '../../agent/log.js';
import { createNomadClient } from '../../agent/nomad/client.js';
import { ensureNamespace } from '../../agent/nomad/namespaces.js';
import { TEMPLATES } from '../../jobs/index.js';
import { renderJob } from '../../jobs/render.js';
import { buildTestCatalog } from '../support/test-catalog.js';
import { runHearth } from '../jobs/cli-process.js';
import { REPRESENTATIVE_VARS } from '../jobs/representative-vars.js';
import { FAKE_LLAMA_BENCH, FAKE_LLAMA_SERVER, FAKE_RPC_SERVER, pickPortBase } from '../jobs/jobs-cluster.js';
import { waitFor } from '../support/wait-for.js';
import { realNomadSuite } from '../support/real-nomad-suite.js';
import { runNomadCli } from '../support/real-nomad.js';

const FAST = ['--var', 'check_interval_s=1', '--var', 'health_grace_s=5', '--var', 'kill_timeout_s=2'];

realNomadSuite(test, (real) => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-real-templates-'));
  test.after.always(() => rmSync(dir, { recursive: true, force: true }));
  const hearth = (args: readonly string[]) => runHearth(args, { NOMAD_ADDR: real().nomadAddr, CONSUL_HTTP_ADDR: real().consulAddr }, 150_000);

  for (const template of TEMPLATES) {
    test.serial(`the ${template.name} job validates on real Nomad with no errors and no warnings`, async (t) => {
      const nomad = createNomadClient({ addr: real().nomadAddr, log: createSilentLogger() });
      t.teardown(() => nomad.close());
      const job = renderJob(template.name, REPRESENTATIVE_VARS[template.name] ?? {}, { catalog: buildTestCatalog() }, 'test');
      await ensureNamespace(nomad.namespaces, job.Namespace, job.ID);
      const answer = await nomad.jobs.validate(job);
      t.deepEqual(answer.ValidationErrors ?? [], []);
      t.is(answer.Error, '');
      t.is(answer.Warnings, '');
      // And as an operator would check it: `nomad job validate -json` on the job file.
      const file = join(dir, `${template.name}.json`);
      writeFileSync(file, JSON.stringify({ Job: job }));
      const cli = runNomadCli(real(), ['job', 'validate', '-json', file]);
      t.is(cli.status, 0, cli.stdout + cli.stderr);
      t.notRegex(cli.stdout + cli.stderr, /warning/i);
    });
  }

  test.serial('an llamacpp-rpc pool runs on real Nomad and its server finds the worker through Consul', async (t) => {
    const base = pickPortBase();
    const run = await hearth([
      'jobs', 'run', 'llamacpp-rpc', '--var', 'job_name=real-pool', '--var', 'model=tiny', '--var', 'model_path=/srv/models/tiny.gguf',
      '--var', 'expert=real-pool', '--var', 'worker_count=1', '--var', `rpc_port=${base + 52}`, '--var', `api_port=${base + 80}`,
      '--var', `llama_server_bin=${FAKE_LLAMA_SERVER}`, '--var', `rpc_server_bin=${FAKE_RPC_SERVER}`,
      '--var', 'server_memory_mb=128', '--var', 'worker_memory_mb=64', ...FAST, '--timeout', '120s',
    ]);
    t.teardown(async () => {
      await hearth(['jobs', 'stop', 'real-pool', '--purge']);
    });
    t.is(run.code, 0, run.stderr + run.stdout);
    t.regex(run.stdout, /real-pool is healthy/);
    // The server may start before the worker passes its check; Nomad then re-renders and restarts it
    // (its check is critical meanwhile), so both the address and the arguments are read again until they hold.
    const args = await waitFor('the server to run with the worker in --rpc', async () => {
      const entries = (await (await fetch(`${real().consulAddr}/v1/health/service/prima-api-real-pool?passing=true`)).json()) as Array<{ Service: { Address: string; Port: number } }>;
      const first = entries[0];
      if (first === undefined) return undefined;
      const reported = (await (await fetch(`http://${first.Service.Address}:${first.Service.Port}/hearth-fake/args`, { signal: AbortSignal.timeout(2000) })).json()) as { rpc: string[] };
      return reported.rpc.length === 1 ? reported : undefined;
    }, { timeoutMs: 90_000 });
    t.deepEqual(args?.rpc.map((w) => w.split(':')[1]), [String(base + 52)], 'Nomad rendered the worker into --rpc from Consul');
  });

  test.serial('a prima-expert in a namespace Nomad does not know yet runs on real Nomad', async (t) => {
    const base = pickPortBase();
    const run = await hearth([
      'jobs', 'run', 'prima-expert', '--var', 'job_name=real-expert', '--var', 'service_name=prima-api-real', '--var', 'namespace=realns',
      '--var', 'model_list=qwen2-5-coder-1-5b-q8', '--var', 'worker_count=1', '--var', `api_port=${base + 80}`, '--var', `rpc_port=${base + 52}`,
      '--var', `llama_server_bin=${FAKE_LLAMA_SERVER}`, '--var', `rpc_server_bin=${FAKE_RPC_SERVER}`, ...FAST, '--timeout', '120s',
    ]);
    t.teardown(async () => {
      // As with nomad, the namespace of a job outside "default" comes from NOMAD_NAMESPACE.
      await runHearth(['jobs', 'stop', 'real-expert', '--purge'], { NOMAD_ADDR: real().nomadAddr, CONSUL_HTTP_ADDR: real().consulAddr, NOMAD_NAMESPACE: 'realns' });
    });
    t.is(run.code, 0, run.stderr + run.stdout);
    t.regex(run.stdout, /real-expert is healthy/);
    const ns = await fetch(`${real().nomadAddr}/v1/namespace/realns`);
    t.is(ns.status, 200, 'the namespace was created');
    const status = await runHearth(['jobs', 'status', 'real-expert', '--json'], { NOMAD_ADDR: real().nomadAddr, CONSUL_HTTP_ADDR: real().consulAddr, NOMAD_NAMESPACE: 'realns' });
    t.is(status.code, 0, status.stderr);
  });

  test.serial('a benchmark job runs to completion on real Nomad and its figures are read from the allocation log', async (t) => {
    t.teardown(async () => {
      await hearth(['jobs', 'stop', 'real-bench', '--purge']);
    });
    const run = await hearth(['jobs', 'run', 'benchmark', '--var', 'job_name=real-bench', '--var', 'model=qwen2-5-coder-1-5b-q8', '--var', `llama_bench_bin=${FAKE_LLAMA_BENCH}`, '--var', `node=${real().nodeName}`, '--timeout', '120s']);
    t.is(run.code, 0, run.stderr + run.stdout);
    t.regex(run.stdout, /real-bench is complete/);
    t.regex(run.stdout, /generation 128 tokens: 4\.5 tokens\/s/);
  });

  // No node here has Docker or a GPU: real Nomad cannot place it, and the runner says so.
  test.serial('a vllm-expert that no node can place fails with the placement reason from real Nomad', async (t) => {
    t.teardown(async () => {
      await hearth(['jobs', 'stop', 'real-vllm', '--purge']);
    });
    const run = await hearth(['jobs', 'run', 'vllm-expert', '--var', 'job_name=real-vllm', '--var', 'expert=real-vllm', '--var', 'model=qwen-7b-fp16', '--var', 'model_repo=Qwen/Qwen2.5-7B-Instruct', '--timeout', '60s']);
    t.is(run.code, 1, run.stdout);
    t.regex(run.stderr + run.stdout, /no node could place group/);
  });
});
