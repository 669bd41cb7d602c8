// hearth heal and the seed's deploy_expert.yaml against real Nomad.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { repoPath } from '../../agent/util/paths.js';
import { stringifyYaml } from '../../agent/util/yaml.js';
import { parseRecap, runPlaybook } from '../ansible/ansible-env.js';
import { runHearth } from '../jobs/cli-process.js';
import { FAKE_LLAMA_SERVER, FAKE_RPC_SERVER, pickPortBase } from '../jobs/jobs-cluster.js';
import { realNomadSuite } from '../support/real-nomad-suite.js';

interface HealReport {
  registrations: number;
  outcomes: Array<{ jobId: string; action: string }>;
}

realNomadSuite(test, (real) => {
  const env = () => ({ NOMAD_ADDR: real().nomadAddr, CONSUL_HTTP_ADDR: real().consulAddr });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-real-heal-'));
  test.after.always(() => rmSync(dir, { recursive: true, force: true }));

  test.serial('hearth heal on real Nomad registers the missing core jobs once; the second run registers nothing', async (t) => {
    const base = pickPortBase();
    const coreJobs = [
      { template: 'benchmark', vars: { job_name: 'core-bench', model: 'qwen2-5-coder-1-5b-q8', llama_bench_bin: '/bin/true', memory_mb: 64 } },
      {
        template: 'llamacpp-rpc',
        vars: { job_name: 'core-pool', model: 'tiny', model_path: '/srv/models/tiny.gguf', expert: 'core', worker_count: 1, rpc_port: base + 52, api_port: base + 80, llama_server_bin: FAKE_LLAMA_SERVER, rpc_server_bin: FAKE_RPC_SERVER, server_memory_mb: 128, worker_memory_mb: 64, check_interval_s: 1, health_grace_s: 5, kill_timeout_s: 2 },
      },
    ];
    const config = join(dir, 'hearth.yaml');
    writeFileSync(config, stringifyYaml({ nomad: { addr: real().nomadAddr }, consul: { addr: real().consulAddr }, heal: { coreJobs } }));
    t.teardown(async () => {
      for (const id of ['core-bench', 'core-pool']) await runHearth(['jobs', 'stop', id, '--purge', '--config', config], env());
    });
    const first = await runHearth(['heal', '--json', '--config', config], env(), 120_000);
    t.is(first.code, 0, first.stderr);
    t.deepEqual((JSON.parse(first.stdout) as HealReport).outcomes.map((o) => o.action), ['created', 'created']);
    // Only what a register moves: a job's ModifyIndex and Status also move as its allocations start.
    const versions = async () => Promise.all(['core-bench', 'core-pool'].map(async (id) => {
      const job = (await (await fetch(`${real().nomadAddr}/v1/job/${id}`)).json()) as { Version: number; JobModifyIndex: number };
      return { id, Version: job.Version, JobModifyIndex: job.JobModifyIndex };
    }));
    const before = await versions();
    const second = await runHearth(['heal', '--json', '--config', config], env(), 120_000);
    t.is(second.code, 0, second.stderr);
    const report = JSON.parse(second.stdout) as HealReport;
    t.is(report.registrations, 0, second.stdout);
    t.deepEqual(report.outcomes.map((o) => o.action), ['unchanged', 'unchanged']);
    // Nothing was registered: not even the modify index moved (every register moves it on real Nomad).
    t.deepEqual(await versions(), before);
  });

  test.serial('the seed command of deploy_expert.yaml, namespace creative included, submits its job to real Nomad', async (t) => {
    t.timeout(240_000);
    const configFile = join(dir, 'empty.yaml');
    writeFileSync(configFile, '{}\n');
    t.teardown(async () => {
      await fetch(`${real().nomadAddr}/v1/job/creative-expert?purge=true&namespace=creative`, { method: 'DELETE' });
    });
    const seed = 'job_name=creative-expert service_name=prima-api-creative namespace=creative model_list={{ creative_writing_models }} worker_count=2';
    const result = await runPlaybook(
      ['-i', 'localhost,', '-c', 'local', 'deploy_expert.yaml', '-e', seed, '-e', `hearth_bin=${repoPath('bin', 'hearth.js')} hearth_config_file=${configFile}`],
      { NOMAD_ADDR: real().nomadAddr, CONSUL_HTTP_ADDR: real().consulAddr, NOMAD_TOKEN: '' },
      180_000,
    );
    t.is(result.code, 0, result.stdout + result.stderr);
    t.is(parseRecap(result.stdout).get('localhost')?.failed, 0);
    const job = (await (await fetch(`${real().nomadAddr}/v1/job/creative-expert?namespace=creative`)).json()) as { Namespace: string; Version: number; TaskGroups: Array<{ Name: string }> };
    t.is(job.Namespace, 'creative');
    t.deepEqual(job.TaskGroups.map((g) => g.Name).sort(), ['server', 'workers']);
  });
});
