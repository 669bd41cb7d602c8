import test from 'ava';
import { renderJob } from './render.js';
import { buildTestCatalog } from '../testing/support/test-catalog.js';

const ctx = { catalog: buildTestCatalog() };

test('a vllm prima-expert runs the catalog repo on a GPU under its prima-api service', (t) => {
  const job = renderJob('prima-expert', { job_name: 'gpu-expert', service_name: 'prima-api-gpu', model_list: 'qwen-7b-fp16', backend: 'vllm' }, ctx, 'test');
  const task = job.TaskGroups[0]?.Tasks[0];
  t.is(task?.Driver, 'docker');
  t.deepEqual(task?.Resources?.Devices?.map((d) => d.Name), ['nvidia/gpu']);
  t.true((task?.Config?.['args'] as string[]).includes('Qwen/Qwen2.5-7B-Instruct'));
  t.is(task?.Services?.[0]?.Name, 'prima-api-gpu');
  t.is(job.Meta?.['hearth-model'], 'qwen-7b-fp16');
});

test('model_index selects the model the job is built for', (t) => {
  const job = renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-e', model_list: 'tiny-q4,small-q8', model_index: 1 }, ctx, 'test');
  const server = job.TaskGroups.find((g) => g.Name === 'server')?.Tasks[0];
  t.is(server?.Env?.['LLAMA_MODEL'], '/srv/models/small-q8_0.gguf');
  t.is(server?.Resources?.MemoryMB, 1024);
  t.is(job.Meta?.['hearth-model-index'], '1');
});

test('a model served by another backend is rejected naming model_list', (t) => {
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-e', model_list: 'qwen-7b-fp16' }, ctx, 'test'));
  t.regex(err?.message ?? '', /models served by the llamacpp-rpc backend for `model_list`.*qwen-7b-fp16 \(backend vllm\)/s);
});

test('a model_index past the end of model_list is rejected', (t) => {
  t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-e', model_list: 'tiny-q4', model_index: 3 }, ctx, 'test'), { message: /index below 1 .* for `model_index`/ });
});

test('with no worker the job has no workers group and the server still reads the worker template', (t) => {
  const job = renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-e', model_list: 'tiny-q4', worker_count: 0 }, ctx, 'test');
  t.deepEqual(job.TaskGroups.map((g) => g.Name), ['server']);
  const templates = job.TaskGroups[0]?.Tasks[0]?.Templates ?? [];
  t.true(templates.some((tpl) => tpl.Envvars === true && tpl.EmbeddedTmpl?.includes('service "llamacpp-rpc-tiny-q4"') === true));
});

test('a description goes into the expert service\'s Meta on either backend, and one that could open a template is refused', (t) => {
  const description = 'Writes and reviews code; knows Python, TypeScript and shell.';
  for (const [backend, model] of [['llamacpp-rpc', 'tiny-q4'], ['vllm', 'qwen-7b-fp16']] as const) {
    const job = renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-code', model_list: model, backend, description }, ctx, 'test');
    const service = job.TaskGroups.flatMap((g) => g.Tasks.flatMap((task) => task.Services ?? [])).find((s) => s.Name === 'prima-api-code');
    t.is(service?.Meta?.['description'], description, backend);
  }
  const plain = renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-code', model_list: 'tiny-q4' }, ctx, 'test');
  const service = plain.TaskGroups.flatMap((g) => g.Tasks.flatMap((task) => task.Services ?? [])).find((s) => s.Name === 'prima-api-code');
  t.false('description' in (service?.Meta ?? {}), 'no description, no key');
  const err = t.throws(() => renderJob('prima-expert', { job_name: 'e', service_name: 'prima-api-code', model_list: 'tiny-q4', description: 'runs ${node.unique.name}' }, ctx, 'test'));
  t.regex(err?.message ?? '', /description/);
});
