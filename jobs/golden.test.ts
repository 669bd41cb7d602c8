import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../agent/util/paths.js';
import { createJobSchemaCheck } from '../testing/jobs/job-schema.js';
import { REPRESENTATIVE_VARS } from '../testing/jobs/representative-vars.js';
import { TEMPLATES } from './index.js';
import { renderJob } from './render.js';
import { buildTestCatalog } from '../testing/support/test-catalog.js';
import { testUnless } from '../testing/support/skip.js';

const REPRESENTATIVE = REPRESENTATIVE_VARS;

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
