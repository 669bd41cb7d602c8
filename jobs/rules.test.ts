import test from 'ava';
import { isHearthError } from '../agent/errors.js';
import { RULES, parseListText, satisfies } from './rules.js';
import { renderJob } from './render.js';
import { buildTestCatalog } from '../testing/support/test-catalog.js';

const INJECTIONS = ['../x', 'a b', 'x;rm -rf /', '{{ env "X" }}', '$(id)', '${NOMAD_TOKEN}', 'a`id`', 'A-Upper', '-lead', 'trail-', 'x\ny', ''];

for (const value of INJECTIONS) {
  test(`a job_name of ${JSON.stringify(value)} is rejected naming the variable and the rule`, (t) => {
    const err = t.throws(() =>
      renderJob('prima-expert', { job_name: value, service_name: 'prima-api-x', model_list: 'tiny-q4' }, { catalog: buildTestCatalog() }, '--var'),
    );
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'));
    t.regex(err?.message ?? '', /`job_name`/);
    t.regex(err?.message ?? '', /lowercase-hyphen/);
    t.true(err?.message.includes(JSON.stringify(value)) ?? false);
  });
}

test('paths with "..", "//", spaces or template delimiters are not absolute paths', (t) => {
  for (const bad of ['/srv/../etc/passwd', '/srv//x', '/srv/a b', '/srv/{{x}}', 'relative/x', '/srv/$HOME', '/srv/.', '/srv/x;y']) {
    t.false(satisfies(RULES.absolutePath, bad), bad);
  }
  t.true(satisfies(RULES.absolutePath, '/srv/models/qwen2.5-7b-q4_k_m.gguf'));
});

test('images must carry a pinned tag that is not latest', (t) => {
  t.false(satisfies(RULES.image, 'vllm/vllm-openai'));
  t.false(satisfies(RULES.image, 'vllm/vllm-openai:latest'));
  t.false(satisfies(RULES.image, 'vllm/vllm-openai:v1;rm'));
  t.true(satisfies(RULES.image, 'vllm/vllm-openai:v0.6.3'));
});

test('a service_name without the prima-api- prefix is rejected', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'coding', model_list: 'tiny-q4' }, { catalog: buildTestCatalog() }, '--var'));
  t.regex(err?.message ?? '', /prima-api-.*`service_name`.*"coding"/s);
});

test('a negative worker_count is rejected with its range', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-c', model_list: 'tiny-q4', worker_count: '-1' }, { catalog: buildTestCatalog() }, '--var'));
  t.regex(err?.message ?? '', /integer from 0 to 64 for `worker_count`.*"-1"/s);
});

test('an unknown variable and a missing required one are both named', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { service_name: 'prima-api-c', model_list: 'tiny-q4', colour: 'blue' }, { catalog: buildTestCatalog() }, '--var'));
  t.regex(err?.message ?? '', /unknown variable `colour`/);
  t.regex(err?.message ?? '', /required\) for `job_name`/);
});

test('an unknown template is rejected listing the known ones', (t) => {
  const err = t.throws(() => renderJob('nginx', {}, {}, 'the command line'));
  t.regex(err?.message ?? '', /one of llamacpp-rpc, vllm-expert, prima-expert, benchmark for `template`/);
});

test('a model_list entry missing from the catalog is rejected', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-c', model_list: 'tiny-q4,ghost' , model_index: 1 }, { catalog: buildTestCatalog() }, '--var'));
  t.regex(err?.message ?? '', /`model_list`.*"ghost"/s);
});

test('list text is read from JSON, Ansible repr and comma forms', (t) => {
  t.deepEqual(parseListText('["a","b"]'), ['a', 'b']);
  t.deepEqual(parseListText("['a', 'b']"), ['a', 'b']);
  t.deepEqual(parseListText('a, b'), ['a', 'b']);
  t.is(parseListText('[a, b]'), '[a, b]');
});

test('a model_list item carrying a template action is rejected', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-c', model_list: '["tiny-q4","{{ env X }}"]' }, { catalog: buildTestCatalog() }, '--var'));
  t.regex(err?.message ?? '', /`model_list` \(item 1\)/);
});
