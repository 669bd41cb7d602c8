// Real llama.cpp: the cached pip build is found (or the tier says in one line
// why not), the tiny random-weight model loads and answers the OpenAI API
// streamed and not with timings and tool definitions, and an RPC worker
// really receives the model's tensors when llama-server offloads to it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { testUnless } from './skip.js';
import { INSTALL_SCRIPT, findLlamaCpp, llamaSkipReason, startLlamaServer, startRpcWorker, tinyModel } from './llama.js';

test('an unusable HEARTH_PY_VENV gives a one-line skip reason naming it', (t) => {
  const reason = llamaSkipReason({ ...process.env, HEARTH_PY_VENV: '/nonexistent/venv' });
  t.is(reason, 'llama.cpp tier skipped: HEARTH_PY_VENV=/nonexistent/venv is not a complete environment of testing/python/install.sh');
  t.is(findLlamaCpp({ ...process.env, HEARTH_PY_VENV: '/nonexistent/venv' }).llama, undefined);
});

test('without HEARTH_PY_VENV the lookup asks install.sh, which only reports and never starts a build', (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'hearth-py-cache-'));
  t.teardown(() => rmSync(cache, { recursive: true, force: true }));
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cache, HEARTH_PY_CACHE: cache };
  t.is(llamaSkipReason(env), 'llama.cpp tier skipped: no built Python environment (HEARTH_PY_VENV unset; run bash testing/python/install.sh once to build it)');
  const direct = spawnSync('bash', [INSTALL_SCRIPT], { env: { ...env, HEARTH_PY_LOOKUP_ONLY: '1' }, encoding: 'utf8' });
  t.is(direct.status, 3);
  t.regex(direct.stderr, /^no Python environment built at .*\/venv-[0-9a-f]{16}\n$/);
  t.deepEqual(readdirSync(cache), [], 'nothing was created');
});

const realTest = testUnless(llamaSkipReason()).serial;

interface Completion {
  choices: Array<{ finish_reason: string; message: { role: string; content: string } }>;
  usage: { prompt_tokens: number; completion_tokens: number };
  timings: { predicted_n: number; predicted_per_second: number; prompt_n: number };
}

async function chat(url: string, body: Record<string, unknown>): Promise<Response> {
  return await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 12, ...body }),
    signal: AbortSignal.timeout(60_000),
  });
}

realTest(`the build ships llama-server, llama-bench and the RPC worker under its current name`, (t) => {
  const found = findLlamaCpp();
  t.truthy(found.llama, found.reason);
  t.regex(found.llama?.rpcServer ?? '', /\/(ggml-rpc-server|rpc-server)$/);
  t.regex(found.llama?.release ?? '', /^b\d+$/);
});

realTest(`the tiny model loads in llama-server and answers chat completions with timings, streamed and not`, async (t) => {
  const server = await startLlamaServer({ model: await tinyModel() });
  t.teardown(() => server.stop());

  const plain = await chat(server.url, {});
  t.is(plain.status, 200);
  const reply = (await plain.json()) as Completion;
  t.is(reply.choices[0]?.message.role, 'assistant');
  // The steered noise: printable text that runs to max_tokens.
  t.regex(reply.choices[0]?.message.content ?? '', /^[\x20-\x7e]+$/);
  t.is(reply.choices[0]?.finish_reason, 'length');
  t.is(reply.usage.completion_tokens, 12);
  t.true(reply.timings.predicted_n > 0);
  t.true(reply.timings.predicted_per_second > 0);

  const streamed = await chat(server.url, { stream: true });
  t.is(streamed.status, 200);
  t.regex(streamed.headers.get('content-type') ?? '', /text\/event-stream/);
  const events = (await streamed.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length));
  t.is(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: Array<{ delta: { content?: string | null } }>; timings?: { predicted_n: number } });
  t.true(chunks.filter((c) => typeof c.choices[0]?.delta.content === 'string').length > 0, 'at least one content delta');
  t.true((chunks.at(-1)?.timings?.predicted_n ?? 0) > 0, 'the last chunk carries timings');
});

realTest(`the tiny model's chat template accepts tool definitions`, async (t) => {
  const server = await startLlamaServer({ model: await tinyModel() });
  t.teardown(() => server.stop());
  const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
  const res = await chat(server.url, { tools });
  t.is(res.status, 200, await res.clone().text());
  const reply = (await res.json()) as Completion;
  t.is(reply.choices[0]?.message.role, 'assistant');
  // The tool list is rendered into the prompt: many more prompt tokens than without it.
  const bare = (await (await chat(server.url, {})).json()) as Completion;
  t.true(reply.usage.prompt_tokens > bare.usage.prompt_tokens + 50, `${reply.usage.prompt_tokens} vs ${bare.usage.prompt_tokens}`);
});

realTest(`llama-server with --rpc puts the model's tensors on the RPC worker: its memory grows by the model's size`, async (t) => {
  // About 11 MB of weights, so the growth stands out from the worker's own few MB.
  const model = await tinyModel({ embd: 256, layers: 4 });
  const worker = await startRpcWorker();
  t.teardown(() => worker.stop());
  const before = worker.rssKb() ?? 0;
  t.true(before > 0);

  const server = await startLlamaServer({ model, extraArgs: ['--rpc', worker.address, '--n-gpu-layers', '99', '--log-verbosity', '4'] });
  t.teardown(() => server.stop());
  const res = await chat(server.url, {});
  t.is(res.status, 200);
  t.true(((await res.json()) as Completion).usage.completion_tokens > 0);

  const log = server.output();
  const buffer = new RegExp(`RPC0\\[${worker.address.replace(/\./g, '\\.')}\\] model buffer size =\\s+([\\d.]+) MiB`).exec(log);
  t.truthy(buffer, 'llama-server reports a model buffer on the RPC device');
  const onWorkerMiB = Number(buffer?.[1] ?? 0);
  t.true(onWorkerMiB > 8, `${onWorkerMiB} MiB of weights on the worker`);
  t.regex(log, /offloaded \d+\/\d+ layers to GPU/);
  t.regex(worker.output(), /Accepted client connection/);

  const grownMiB = ((worker.rssKb() ?? 0) - before) / 1024;
  t.true(grownMiB >= onWorkerMiB * 0.9, `worker resident memory grew by ${grownMiB.toFixed(1)} MiB for ${onWorkerMiB} MiB of weights`);
  t.log(`worker resident memory ${(before / 1024).toFixed(1)} MiB before, +${grownMiB.toFixed(1)} MiB after llama-server placed ${onWorkerMiB} MiB of weights on it`);
});

realTest(`without --rpc the same model stays in the server's own memory and no RPC device is used`, async (t) => {
  const server = await startLlamaServer({ model: await tinyModel({ embd: 256, layers: 4 }), extraArgs: ['--log-verbosity', '4'] });
  t.teardown(() => server.stop());
  t.notRegex(server.output(), /RPC0\[/);
  t.regex(server.output(), /CPU(_Mapped)? model buffer size =\s+(1[01]|9)\.\d+ MiB/);
});
