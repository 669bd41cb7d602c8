import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../agent/util/paths.js';
import { createJobSchemaCheck } from '../testing/jobs/job-schema.js';
import { TEMPLATES } from './index.js';
import { renderJob } from './render.js';
import { buildTestCatalog } from '../testing/support/test-catalog.js';
import { testUnless } from '../testing/support/skip.js';

const REPRESENTATIVE: Record<string, Record<string, unknown>> = {
  'llamacpp-rpc': { job_name: 'pool-tiny', model: 'tiny-q4', model_path: '/srv/models/tiny-q4_k_m.gguf', expert: 'general', worker_count: '3', rpc_cache: 'true' },
  'vllm-expert': { job_name: 'gpu-general', expert: 'gpu-general', model: 'qwen-7b-fp16', model_repo: 'Qwen/Qwen2.5-7B-Instruct', gpu_count: 2 },
  'prima-expert': { job_name: 'creative-expert', service_name: 'prima-api-creative', namespace: 'creative', model_list: 'tiny-q4,small-q8', worker_count: 2 },
  benchmark: { job_name: 'bench-tiny', model: 'tiny-q4', node: 'node-2' },
};

const schema = createJobSchemaCheck();
const schemaTest = testUnless('skip' in schema ? schema.skip : undefined);

test('every template has representative variables for its golden file', (t) => {
  t.deepEqual(TEMPLATES.map((tpl) => tpl.name).sort(), Object.keys(REPRESENTATIVE).sort());
});

for (const template of TEMPLATES) {
  test(`the ${template.name} template renders its golden job`, (t) => {
    const job = renderJob(template.name, REPRESENTATIVE[template.name] ?? {}, { catalog: buildTestCatalog() }, 'test');
    const file = repoPath('jobs', 'golden', `${template.name}.json`);
    const text = JSON.stringify({ Job: job }, null, 2) + '\n';
    if (process.env['HEARTH_UPDATE_GOLDEN'] === '1') writeFileSync(file, text);
    t.is(text, readFileSync(file, 'utf8'));
  });

  schemaTest(`the ${template.name} job validates against the Nomad OpenAPI Job schema`, (t) => {
    if ('skip' in schema) return;
    const job = renderJob(template.name, REPRESENTATIVE[template.name] ?? {}, { catalog: buildTestCatalog() }, 'test');
    t.deepEqual(schema.check(job), []);
  });
}

schemaTest('the schema check rejects a job whose durations are text', (t) => {
  if ('skip' in schema) return;
  const job = renderJob('benchmark', REPRESENTATIVE['benchmark'] ?? {}, { catalog: buildTestCatalog() }, 'test');
  const broken = { ...job, TaskGroups: [{ ...job.TaskGroups[0]!, Tasks: [{ ...job.TaskGroups[0]!.Tasks[0]!, KillTimeout: '30s' as unknown as number }] }] };
  t.true(schema.check(broken).length > 0);
});
