// `hearth jobs` as a real process: rendering, and bad input that exits 1
// naming the variable, the value and the rule without contacting Nomad.
import test from 'ava';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHearth } from './cli-process.js';


/** A stand-in Nomad that counts every request, so a test can prove nothing was sent. */
async function startCountingServer(t: { teardown: (fn: () => void) => void }): Promise<{ addr: string; count: () => number }> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(500).end('unexpected');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { addr: `http://127.0.0.1:${port}`, count: () => requests };
}

function tempDir(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-jobs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('jobs render writes a {"Job": ...} file that names the expert service', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'job.json');
  const result = await runHearth(['jobs', 'render', 'prima-expert', '--var', 'job_name=coding-expert', '--var', 'service_name=prima-api-coding', '--var', 'model_list=["qwen2-5-coder-7b-q4","qwen2-5-coder-1-5b-q8"]', '-o', out]);
  t.is(result.code, 0, result.stderr);
  const file = JSON.parse(readFileSync(out, 'utf8')) as { Job: { ID: string; TaskGroups: Array<{ Name: string; Tasks: Array<{ Services?: Array<{ Name: string }> }> }> } };
  t.is(file.Job.ID, 'coding-expert');
  const services = file.Job.TaskGroups.flatMap((g) => g.Tasks.flatMap((task) => (task.Services ?? []).map((s) => s.Name)));
  t.deepEqual(services.sort(), ['llamacpp-rpc-qwen2-5-coder-7b-q4', 'prima-api-coding']);
});

test('jobs render reads a var file and lets --var override it', async (t) => {
  const dir = tempDir(t);
  const varFile = join(dir, 'vars.yaml');
  writeFileSync(varFile, 'job_name: from-file\nservice_name: prima-api-file\nmodel_list: [llama-3-2-3b-instruct-q4]\nworker_count: 1\n');
  const result = await runHearth(['jobs', 'render', 'prima-expert', '--var-file', varFile, '--var', 'job_name=from-flag']);
  t.is(result.code, 0, result.stderr);
  const job = (JSON.parse(result.stdout) as { Job: { ID: string; TaskGroups: Array<{ Name: string; Count: number }> } }).Job;
  t.is(job.ID, 'from-flag');
  t.is(job.TaskGroups.find((g) => g.Name === 'workers')?.Count, 1);
});

test('jobs list shows every template with its variables and defaults', async (t) => {
  const result = await runHearth(['jobs', 'list', '--json']);
  t.is(result.code, 0, result.stderr);
  const templates = (JSON.parse(result.stdout) as { templates: Array<{ name: string; vars: Array<{ name: string; default?: unknown }> }> }).templates;
  t.deepEqual(templates.map((tpl) => tpl.name), ['llamacpp-rpc', 'vllm-expert', 'prima-expert', 'benchmark']);
  const rpc = templates.find((tpl) => tpl.name === 'llamacpp-rpc');
  t.is(rpc?.vars.find((v) => v.name === 'rpc_port')?.default, 50052);
});

const BAD: Array<{ title: string; args: string[]; pattern: RegExp }> = [
  { title: 'an unknown template', args: ['nginx'], pattern: /for `template`.*"nginx"/s },
  { title: 'an unknown variable', args: ['prima-expert', '--var', 'job_name=a', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4', '--var', 'colour=blue'], pattern: /unknown variable `colour`.*"blue"/s },
  { title: 'a missing variable', args: ['prima-expert', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /required\) for `job_name`/ },
  { title: 'job_name ../x', args: ['prima-expert', '--var', 'job_name=../x', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /lowercase-hyphen.*`job_name`.*"\.\.\/x"/s },
  { title: 'job_name "a b"', args: ['prima-expert', '--var', 'job_name=a b', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /`job_name`.*"a b"/s },
  { title: 'job_name x;rm -rf /', args: ['prima-expert', '--var', 'job_name=x;rm -rf /', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /`job_name`.*"x;rm -rf \/"/s },
  { title: 'a template action in job_name', args: ['prima-expert', '--var', 'job_name={{ env "X" }}', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /`job_name`.*\{\{ env/s },
  { title: 'a service_name without prima-api-', args: ['prima-expert', '--var', 'job_name=a', '--var', 'service_name=coding', '--var', 'model_list=qwen2-5-coder-7b-q4'], pattern: /prima-api-.*`service_name`.*"coding"/s },
  { title: 'a negative worker_count', args: ['prima-expert', '--var', 'job_name=a', '--var', 'service_name=prima-api-a', '--var', 'model_list=qwen2-5-coder-7b-q4', '--var', 'worker_count=-1'], pattern: /integer from 0 to 64 for `worker_count`.*"-1"/s },
  { title: 'a model missing from the catalog', args: ['prima-expert', '--var', 'job_name=a', '--var', 'service_name=prima-api-a', '--var', 'model_list=ghost'], pattern: /`model_list`.*"ghost"/s },
];

for (const { title, args, pattern } of BAD) {
  test(`jobs run with ${title} exits 1 with the rule and submits nothing`, async (t) => {
    const nomad = await startCountingServer(t);
    const result = await runHearth(['jobs', 'run', ...args, '--detach'], { NOMAD_ADDR: nomad.addr, CONSUL_HTTP_ADDR: nomad.addr });
    t.is(result.code, 1, result.stderr);
    t.regex(result.stderr, pattern);
    t.regex(result.stderr, /HEARTH_ERR_INVALID_INPUT/);
    t.is(nomad.count(), 0);
  });
}

test('jobs render with bad input exits 1 and writes no file', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'job.json');
  const result = await runHearth(['jobs', 'render', 'prima-expert', '--var', 'job_name=x;y', '--var', 'service_name=prima-api-a', '--var', 'model_list=a', '-o', out]);
  t.is(result.code, 1);
  t.throws(() => readFileSync(out));
});

test('jobs status against an unreachable Nomad exits 2 naming the address and its source', async (t) => {
  const result = await runHearth(['jobs', 'status'], { NOMAD_ADDR: 'http://127.0.0.1:9' });
  t.is(result.code, 2);
  t.regex(result.stderr, /Nomad at http:\/\/127\.0\.0\.1:9 \(set by environment NOMAD_ADDR\)/);
});

test('heal with an invalid core job exits 1 before contacting Nomad', async (t) => {
  const dir = tempDir(t);
  const nomad = await startCountingServer(t);
  const config = join(dir, 'hearth.yaml');
  writeFileSync(config, `nomad:\n  addr: ${nomad.addr}\nheal:\n  coreJobs:\n    - template: prima-expert\n      vars: {job_name: "a b", service_name: prima-api-a, model_list: [qwen2-5-coder-7b-q4]}\n`);
  const result = await runHearth(['heal', '--config', config]);
  t.is(result.code, 1);
  t.regex(result.stderr, /`job_name` \(from heal\.coreJobs\[0\]\), got "a b"/);
  t.is(nomad.count(), 0);
});
