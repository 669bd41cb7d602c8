// deploy_expert.yaml against the Nomad/Consul simulator: the documented
// invocation submits a prima-expert job through `hearth jobs run`, and hostile
// values fail with a message naming the variable, the value and the rule,
// with nothing submitted.
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../agent/util/paths.js';
import { startSimFor } from '../support/sim-harness.js';
import { parseRecap, runPlaybook } from './ansible-env.js';

const GOOD_VARS = 'job_name=creative-expert service_name=prima-api-creative namespace=creative model_list={{ creative_writing_models }} worker_count=2';

interface SimJob {
  readonly ID: string;
  readonly Namespace: string;
}

async function startCluster(t: ExecutionContext): Promise<{ nomadAddr: string; consulAddr: string; configFile: string }> {
  const { nomadAddr, consulAddr } = await startSimFor(t, { nodes: 3 });
  const addrs = { nomadAddr, consulAddr };
  const dir = await mkdtemp(join(tmpdir(), 'hansible-deploy-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // An empty file, so a /etc/hearth/hearth.yaml on the test machine cannot steer the command.
  const configFile = join(dir, 'hearth.yaml');
  await writeFile(configFile, '{}\n');
  return { ...addrs, configFile };
}

async function deploy(cluster: { nomadAddr: string; consulAddr: string; configFile: string }, ...extra: string[]) {
  const args = ['-i', 'localhost,', '-c', 'local', 'deploy_expert.yaml', '-e', GOOD_VARS];
  for (const vars of extra) args.push('-e', vars);
  args.push('-e', `hearth_bin=${repoPath('bin', 'hearth.js')} hearth_config_file=${cluster.configFile}`);
  return runPlaybook(args, { NOMAD_ADDR: cluster.nomadAddr, CONSUL_HTTP_ADDR: cluster.consulAddr, NOMAD_TOKEN: '' }, 180_000);
}

async function listJobs(nomadAddr: string): Promise<SimJob[]> {
  const res = await fetch(`${nomadAddr}/v1/jobs?namespace=*`);
  if (res.status !== 200) throw new Error(`GET /v1/jobs answered ${res.status}`);
  return (await res.json()) as SimJob[];
}

test('the documented invocation submits a prima-expert job to Nomad', async (t) => {
  t.timeout(240_000);
  const cluster = await startCluster(t);
  const result = await deploy(cluster);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.is(parseRecap(result.stdout).get('localhost')?.failed, 0);
  const jobs = await listJobs(cluster.nomadAddr);
  const job = jobs.find((j) => j.ID === 'creative-expert');
  t.truthy(job, JSON.stringify(jobs));
  t.is(job?.Namespace, 'creative');
  // The job as Nomad stores it names the service and the first model of the expert's list.
  const detail = await (await fetch(`${cluster.nomadAddr}/v1/job/creative-expert?namespace=creative`)).text();
  t.true(detail.includes('prima-api-creative'));
  t.true(detail.includes('mistral-7b-instruct-q4'));
});

const HOSTILE: Array<{ vars: string; message: RegExp }> = [
  { vars: 'job_name=../x', message: /job_name must be lowercase letters and digits joined by single hyphens.*got \\"\.\.\/x\\"/ },
  { vars: 'worker_count=-1', message: /worker_count must be a non-negative integer.*got \\"-1\\"/ },
  { vars: 'service_name=evil', message: /service_name must start with \\"prima-api-\\".*got \\"evil\\"/ },
  { vars: 'namespace=Bad/Space', message: /namespace must be lowercase letters and digits.*got \\"Bad\/Space\\"/ },
  { vars: 'model_list=no-such-model', message: /model_list must be a non-empty list of model names from the catalog.*not in the catalog: no-such-model/ },
];

for (const { vars, message } of HOSTILE) {
  test(`${vars} fails with a clear message and submits nothing`, async (t) => {
    t.timeout(240_000);
    const cluster = await startCluster(t);
    const result = await deploy(cluster, vars);
    t.not(result.code, 0);
    t.regex(result.stdout, message);
    t.is(parseRecap(result.stdout).get('localhost')?.failed, 1);
    t.notRegex(result.stdout, /TASK \[Ensure the expert job is submitted\]/);
    t.deepEqual(await listJobs(cluster.nomadAddr), []);
  });
}
