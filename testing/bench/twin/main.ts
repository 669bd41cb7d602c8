// `npm run bench -- twin [--quick]`: what the twin adds on the way to an
// expert, each figure beside a baseline measured in the same run:
// - time to first token through the twin (HTTP API, SSE) vs the same request
//   sent straight to the expert (the same messages, the openai client);
// - tokens per second passed through vs read straight from the expert;
// - the keyword first stage's routing decision vs asking the router model;
// - long-term memory search among 100,000 memories vs an exact scan.
// The expert is the real llama-server with the tiny model when the llama.cpp
// environment of testing/python/install.sh is built, else the scripted
// OpenAI-compatible server (testing/support/fake-openai.ts); the output says which.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai.js';
import { readSse, startTwinHarness, TEST_TOKEN } from '../../support/twin-harness.js';
import type { TurnEvent } from '../../../agent/twin/events.js';
import { describeMachine } from '../agent/machine.js';
import { formatMs, percentile } from '../agent/stats.js';
import { createFirstStage } from '../../../agent/twin/first-stage.js';
import { toExperts } from '../../../agent/twin/experts.js';
import { createPromptLibrary } from '../../../agent/twin/prompts.js';
import { createSilentLogger } from '../../../agent/log.js';
import { repoPath } from '../../../agent/util/paths.js';
import { openMemoryDatabase } from '../../../agent/twin/memory/database.js';
import { createLongTermMemory } from '../../../agent/twin/memory/long-term.js';
import { embedLocally } from '../../../agent/twin/memory/local-embedder.js';
import { spawn } from 'node:child_process';
import { findLlamaCpp, startLlamaServer, tinyModel } from '../../support/llama.js';

const QUESTION = 'Write a python function that reverses a list';

interface Backend {
  readonly name: string;
  readonly port: number;
  readonly baseUrl: string;
  /** The expert's own process, when it has one (its CPU time is read from /proc). */
  readonly pid?: number;
  /** Makes the next streamed answer `tokens` long. */
  prepare(tokens: number): void;
  close(): Promise<void>;
}

async function fakeBackend(): Promise<Backend & { fake: FakeOpenAi }> {
  const fake = await startFakeOpenAi();
  let tokens = 16;
  // Long answers are paced like a model writing 500 tokens/s, so pass-through is what is measured, not parsing.
  fake.fallback(() => ({ kind: 'text', chunks: Array.from({ length: tokens }, (_, i) => `tok${i} `), ...(tokens > 16 ? { delayMs: 2 } : {}) }));
  return { name: 'scripted OpenAI-compatible server (testing/support/fake-openai.ts; llama.cpp not configured)', port: fake.port, baseUrl: fake.baseUrl, prepare: (n) => void (tokens = n), close: () => fake.close(), fake };
}

/** llama-server from the cached llama.cpp environment serving the tiny random-weight model, when there is one. */
async function llamaBackend(): Promise<Backend | undefined> {
  const found = findLlamaCpp();
  if (found.llama === undefined) return undefined;
  const llama = await startLlamaServer({ model: await tinyModel(), extraArgs: ['--ctx-size', '4096', '--ignore-eos'] });
  return {
    name: `llama-server ${found.llama.release} (${found.llama.llamaServer}) with the tiny random-weight model of testing/support/llama.ts`,
    port: llama.port,
    baseUrl: `${llama.url}/v1`,
    pid: llama.pid,
    prepare: () => undefined,
    close: () => llama.stop(),
  };
}

/** Time to the first content delta and tokens/s, straight from the expert with the openai client. */
async function direct(baseUrl: string, messages: unknown[], maxTokens: number): Promise<{ ttft: number; tokens: number; tps: number; expertTps?: number }> {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: 'x', maxRetries: 0 });
  const start = performance.now();
  let first: number | undefined;
  let last: number | undefined;
  let tokens = 0;
  let expertTps: number | undefined;
  const create = () => client.chat.completions.create({ model: 'default', messages: messages as never, stream: true, max_tokens: maxTokens, stream_options: { include_usage: true } });
  // The same one retry on a connection the server had just closed as the twin's model client makes.
  const stream = await create().catch((err: unknown) => {
    if (!(err instanceof OpenAI.APIConnectionError)) throw err;
    return create();
  });
  for await (const chunk of stream) {
    // llama-server's own generation rate for this answer, in its last chunk.
    const timings = (chunk as unknown as { timings?: { predicted_per_second?: number } }).timings;
    if (typeof timings?.predicted_per_second === 'number') expertTps = timings.predicted_per_second;
    const text = chunk.choices[0]?.delta?.content;
    if (typeof text === 'string' && text !== '') {
      first ??= performance.now();
      last = performance.now();
      tokens += 1;
    }
  }
  const end = last ?? performance.now();
  return { ttft: (first ?? end) - start, tokens, tps: first === undefined || tokens < 2 ? 0 : ((tokens - 1) * 1000) / (end - first), ...(expertTps === undefined ? {} : { expertTps }) };
}

/** The twin in a process of its own, as in the agent, so its work and the client's do not share one event loop. */
async function startTwinProcess(expertPort: number, maxAnswerTokens: number): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  // HEARTH_BENCH_CPU_PROF=DIR writes a CPU profile of each twin process there (node --cpu-prof), to see where its time goes.
  const profile = process.env['HEARTH_BENCH_CPU_PROF'];
  const nodeArgs = profile === undefined || profile === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const child = spawn(process.execPath, [...nodeArgs, repoPath('dist', 'testing', 'bench', 'twin', 'twin-process.js'), String(expertPort), String(maxAnswerTokens)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /^url (\S+)$/m.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the twin process exited ${code}`)));
  });
  return {
    url,
    pid: child.pid ?? -1,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const AUTH = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

/**
 * The same through the twin's HTTP API: a fresh conversation each time, so every request carries the same messages.
 * A delta may carry several tokens (coalesced within a few ms): the token count is the expert's, as `done` reports
 * it, and the text the client read is checked to be the whole answer, so no token is counted that did not arrive.
 */
async function viaTwin(twin: { url: string }, withExpertRate = false): Promise<{ ttft: number; tokens: number; tps: number; deltas: number; expertTps?: number }> {
  const { id } = (await (await fetch(`${twin.url}/api/v1/conversations`, { method: 'POST', headers: AUTH })).json()) as { id: string };
  const start = performance.now();
  let first: number | undefined;
  let deltas = 0;
  let shown = '';
  let done: Extract<TurnEvent, { type: 'done' }> | undefined;
  let end = start;
  const response = await fetch(`${twin.url}/api/v1/conversations/${id}/messages`, { method: 'POST', headers: AUTH, body: JSON.stringify({ text: QUESTION }) });
  await readSse(response, (e) => {
    if (e.type === 'delta') {
      first ??= performance.now();
      end = performance.now();
      deltas += 1;
      shown += e.text;
    }
    if (e.type === 'done') done = e;
  });
  if (done === undefined || done.text !== shown) throw new Error(`the client read ${shown.length} characters, the turn ended with ${done === undefined ? 'no done event' : `${done.text.length}`}`);
  const tokens = done.timings.tokens ?? deltas;
  const tps = first === undefined || tokens < 2 ? 0 : ((tokens - 1) * 1000) / (end - first);
  let expertTps: number | undefined;
  if (withExpertRate) {
    // llama-server's own rate for this answer, as the twin kept it with the turn (read after the clock stopped).
    const stored = (await (await fetch(`${twin.url}/api/v1/conversations/${id}`, { headers: AUTH })).json()) as { turns: { role: string; events: { serverTimings?: { predicted_per_second?: number } } }[] };
    expertTps = stored.turns.find((x) => x.role === 'assistant')?.events.serverTimings?.predicted_per_second;
  }
  return { ttft: (first ?? end) - start, tokens, deltas, tps, ...(expertTps === undefined ? {} : { expertTps }) };
}

/** user + system CPU of another process in ms, from /proc (0 when unknown). */
function procCpuMs(pid: number | undefined): number {
  if (pid === undefined || pid <= 0) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: 100 on Linux everywhere this runs. */
const CLOCK_TICKS = 100;

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

function line(label: string, values: readonly number[], unit: (v: number) => string = formatMs): string {
  return `${label.padEnd(52)} p50 ${unit(percentile(values, 50)).padStart(10)}  p99 ${unit(percentile(values, 99)).padStart(10)}`;
}

async function ttftAndThroughput(quick: boolean): Promise<void> {
  const backend: Backend = (await llamaBackend()) ?? (await fakeBackend());
  const shortTokens = 4;
  const longTokens = quick ? 100 : 300;
  const short = await startTwinProcess(backend.port, shortTokens);
  const long = await startTwinProcess(backend.port, longTokens);
  try {
    console.log(`expert: ${backend.name}`);
    // The exact messages the twin sends, recorded once through a scripted server, are the baseline's request.
    const recorder = await startFakeOpenAi();
    const recordTwin = await startTwinHarness({ experts: [{ name: 'prima-api-code', address: '127.0.0.1', port: recorder.port }], config: { twin: { recall: 0 } } });
    await recordTwin.sendMessage(await recordTwin.createConversation(), QUESTION);
    const messages = recorder.requests[0]!.body['messages'] as unknown[];
    await recordTwin.close();
    await recorder.close();

    const rounds = quick ? 30 : 300;
    backend.prepare(shortTokens);
    for (let i = 0; i < 5; i++) {
      await direct(backend.baseUrl, messages, shortTokens);
      await viaTwin(short);
    }
    const directTtft: number[] = [];
    const twinTtft: number[] = [];
    const added: number[] = [];
    const shortCpuBefore = procCpuMs(short.pid);
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first so drift on a shared machine falls on both.
      const a = i % 2 === 0 ? await direct(backend.baseUrl, messages, shortTokens) : undefined;
      const b = await viaTwin(short);
      const c = a ?? (await direct(backend.baseUrl, messages, shortTokens));
      directTtft.push(c.ttft);
      twinTtft.push(b.ttft);
      added.push(b.ttft - c.ttft);
    }
    console.log(`time to first token, ${rounds} rounds, ${shortTokens}-token answers:`);
    console.log(line('  straight to the expert (baseline, openai client)', directTtft));
    console.log(line('  through the twin (its own process: HTTP API + SSE)', twinTtft));
    console.log(line('  added by the twin, paired per round', added));
    console.log(`  twin process CPU per turn of ${shortTokens} tokens (conversation, routing, request, memory writes): ${((procCpuMs(short.pid) - shortCpuBefore) / rounds).toFixed(2)} ms`);
    console.log(`  added = twin - baseline: p50 ${formatMs(percentile(twinTtft, 50) - percentile(directTtft, 50))} (target <= 5 ms), p99 ${formatMs(percentile(twinTtft, 99) - percentile(directTtft, 99))} (target <= 15 ms)`);

    backend.prepare(longTokens);
    const directTps: number[] = [];
    const twinTps: number[] = [];
    const counted = { direct: new Set<number>(), twin: new Set<number>() };
    let deltas = 0;
    // CPU time per token of each process on either path (the client is this process): where the twin's cost is.
    const cpu = { clientDirect: 0, clientTwin: 0, twin: 0, expertDirect: 0, expertTwin: 0, tokensDirect: 0, tokensTwin: 0 };
    const ratios: number[] = [];
    // Client rate over the expert's own rate for the same answer: what reaches the client of what the expert wrote.
    const passDirect: number[] = [];
    const passTwin: number[] = [];
    const measureDirect = async () => {
      const before = { client: process.cpuUsage(), expert: procCpuMs(backend.pid) };
      const a = await direct(backend.baseUrl, messages, longTokens);
      if (a.expertTps !== undefined) passDirect.push(a.tps / a.expertTps);
      cpu.clientDirect += cpuMs(process.cpuUsage(before.client));
      cpu.expertDirect += procCpuMs(backend.pid) - before.expert;
      cpu.tokensDirect += a.tokens;
      directTps.push(a.tps);
      counted.direct.add(a.tokens);
      return a.tps;
    };
    const measureTwin = async () => {
      const before = { client: process.cpuUsage(), expert: procCpuMs(backend.pid), twin: procCpuMs(long.pid) };
      const b = await viaTwin(long, true);
      if (b.expertTps !== undefined) passTwin.push(b.tps / b.expertTps);
      cpu.clientTwin += cpuMs(process.cpuUsage(before.client));
      cpu.twin += procCpuMs(long.pid) - before.twin;
      cpu.expertTwin += procCpuMs(backend.pid) - before.expert;
      cpu.tokensTwin += b.tokens;
      twinTps.push(b.tps);
      counted.twin.add(b.tokens);
      deltas += b.deltas;
      return b.tps;
    };
    await measureDirect();
    await measureTwin();
    directTps.length = 0;
    twinTps.length = 0;
    passDirect.length = 0;
    passTwin.length = 0;
    Object.assign(cpu, { clientDirect: 0, clientTwin: 0, twin: 0, expertDirect: 0, expertTwin: 0, tokensDirect: 0, tokensTwin: 0 });
    deltas = 0;
    // Pairs of neighbouring runs, the order alternating, so the shared machine's drift falls on both paths alike.
    for (let i = 0; i < (quick ? 4 : 30); i++) {
      let straight: number;
      let through: number;
      if (i % 2 === 0) {
        straight = await measureDirect();
        through = await measureTwin();
      } else {
        through = await measureTwin();
        straight = await measureDirect();
      }
      ratios.push(through / straight);
    }
    const d = percentile(directTps, 50);
    const v = percentile(twinTps, 50);
    const us = (ms: number, tokens: number) => `${((ms * 1000) / Math.max(1, tokens)).toFixed(1)} us`;
    console.log(`tokens/s, answers of up to ${longTokens} tokens (p50 of ${directTps.length}): straight ${d.toFixed(0)}, through the twin ${v.toFixed(0)}: ${((v / d) * 100).toFixed(1)}% of direct (target >= 99%)`);
    console.log(`  tokens per answer: straight ${[...counted.direct].join('/')}, through the twin ${[...counted.twin].join('/')}; both from the first to the last token the client reads; ${(deltas / twinTps.length).toFixed(0)} delta events per answer through the twin`);
    // Only llama-server reports a real rate of its own (the scripted server's timings are a constant).
    if (backend.pid !== undefined && passDirect.length > 0 && passTwin.length > 0) {
      const pd = percentile(passDirect, 50);
      const pt = percentile(passTwin, 50);
      console.log(`  of the expert's own rate for the same answer (llama-server timings.predicted_per_second), p50: straight ${(pd * 100).toFixed(1)}%, through the twin ${(pt * 100).toFixed(1)}%: ${((pt / pd) * 100).toFixed(1)}% of direct (this leaves out how fast the expert itself ran, which the shared CPU moves)`);
    }
    console.log(`  paired (twin / the direct run beside it), ${ratios.length} pairs: p50 ${(percentile(ratios, 50) * 100).toFixed(1)}%, p10 ${(percentile(ratios, 10) * 100).toFixed(1)}%, p90 ${(percentile(ratios, 90) * 100).toFixed(1)}%`);
    console.log(`  CPU per token: client straight ${us(cpu.clientDirect, cpu.tokensDirect)}, client through the twin ${us(cpu.clientTwin, cpu.tokensTwin)}, twin process ${us(cpu.twin, cpu.tokensTwin)}` +
      (backend.pid === undefined ? '' : `, expert ${us(cpu.expertDirect, cpu.tokensDirect)} straight / ${us(cpu.expertTwin, cpu.tokensTwin)} through the twin`));
  } finally {
    await short.stop();
    await long.stop();
    await backend.close();
  }
}

async function routing(quick: boolean): Promise<void> {
  const prompts = createPromptLibrary({ dir: repoPath('prompts'), log: createSilentLogger() });
  const experts = toExperts(
    ['code', 'creative', 'general'].map((kind, i) => ({ name: `prima-api-${kind}`, address: '127.0.0.1', port: 9000 + i, health: 'passing' })),
    (kind) => prompts.get(kind)?.description,
  );
  const stage = createFirstStage(experts, (kind) => prompts.get(kind)?.keywords ?? []);
  const questions = [
    'Why does my python script throw this exception at line 3?',
    'Write me a poem about the sea at night',
    'Explain the history of the printing press',
    'Can you refactor this typescript function to use async/await and add a unit test?',
    'hello there',
    'Tell me a story about a dragon and a haiku about rain',
  ];
  const times: number[] = [];
  const rounds = quick ? 20_000 : 200_000;
  let decided = 0;
  for (let i = 0; i < rounds; i++) {
    const q = questions[i % questions.length]!;
    const start = performance.now();
    const d = stage.decide(q);
    times.push(performance.now() - start);
    if (d !== undefined) decided += 1;
  }
  console.log(line(`first-stage (keyword) routing decision, ${rounds} questions`, times, (v) => `${(v * 1000).toFixed(1)} us`));
  console.log(`  ${((decided / rounds) * 100).toFixed(0)}% decided by keywords, the rest go to the router model (target p99 <= 2 ms)`);
  // Baseline: asking a router model (the scripted server answering at once: the floor of any model call).
  const fake = await startFakeOpenAi();
  fake.fallback({ kind: 'tool-calls', calls: [{ name: 'route_to_expert', arguments: '{"expert":"prima-api-code"}' }] });
  const client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'x', maxRetries: 0 });
  const modelTimes: number[] = [];
  for (let i = 0; i < (quick ? 50 : 300); i++) {
    const start = performance.now();
    const stream = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: questions[0]! }], stream: true });
    for await (const chunk of stream) void chunk;
    modelTimes.push(performance.now() - start);
  }
  await fake.close();
  console.log(line('baseline: a router-model call answered instantly (loopback)', modelTimes));
}

async function memorySearch(quick: boolean): Promise<void> {
  const count = 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-memory-'));
  try {
    const db = openMemoryDatabase(dir);
    const memory = createLongTermMemory(db);
    const vocab = 'node cluster expert sleep wake python backup disk network printer garden cat dog server router model prompt token memory kitchen music guitar bicycle mountain river coffee train ticket invoice meeting friday monday alice bob carol dave rack desktop fan noise power bill solar battery'.split(' ');
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const sentence = () => Array.from({ length: 6 + Math.floor(rand() * 6) }, () => vocab[Math.floor(rand() * vocab.length)]).join(' ');
    const started = performance.now();
    const batch: { text: string; source: string; createdAt: string }[] = [];
    const texts: string[] = [];
    for (let i = 0; i < count; i++) {
      const text = `${sentence()} #${i}`;
      texts.push(text);
      batch.push({ text, source: 'bench', createdAt: '2026-01-01T00:00:00.000Z' });
      if (batch.length === 10_000) {
        memory.addMany(batch);
        batch.length = 0;
      }
    }
    console.log(`long-term memory: ${memory.count()} memories stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const queries = Array.from({ length: quick ? 100 : 500 }, () => sentence());
    for (const q of queries.slice(0, 10)) memory.search(q, 5);
    const times: number[] = [];
    for (const q of queries) {
      const start = performance.now();
      memory.search(q, 5);
      times.push(performance.now() - start);
    }
    console.log(line(`search among ${count} (sqlite-vec bit pass + cosine re-rank)`, times));
    // Baseline: an exact cosine scan over every full vector in memory (JS).
    const vectors = texts.map((t) => embedLocally(t));
    const exactTimes: number[] = [];
    let agree = 0;
    for (const q of queries.slice(0, quick ? 20 : 100)) {
      const qv = embedLocally(q);
      const start = performance.now();
      let best = -Infinity;
      let bestIndex = -1;
      for (let i = 0; i < vectors.length; i++) {
        const v = vectors[i]!;
        let dot = 0;
        for (let j = 0; j < v.length; j++) dot += v[j]! * qv[j]!;
        if (dot > best) {
          best = dot;
          bestIndex = i;
        }
      }
      exactTimes.push(performance.now() - start);
      const hits = memory.search(q, 5).map((h) => h.text);
      if (hits.includes(texts[bestIndex]!)) agree += 1;
    }
    console.log(line('baseline: exact cosine scan of every vector (JS)', exactTimes));
    console.log(`  the exact nearest memory is among the search's top 5 for ${agree} of ${exactTimes.length} queries (target p99 <= 20 ms)`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARTS = { relay: ttftAndThroughput, routing, memory: memorySearch } as const;

/** `--only relay|routing|memory` runs one part (default: all three). */
export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt < 0 ? undefined : args[onlyAt + 1];
  if (only !== undefined && !(only in PARTS)) throw new Error(`Expected --only to be one of ${Object.keys(PARTS).join(', ')}, got ${JSON.stringify(only)}.`);
  console.log(describeMachine());
  console.log(`twin benchmark${quick ? ' (quick)' : ''}${only === undefined ? '' : ` (only ${only})`}`);
  console.log(loadLine('at start'));
  for (const [name, part] of Object.entries(PARTS)) if (only === undefined || only === name) await part(quick);
  console.log(loadLine('at end'));
}

/** The machine is shared: its load average says how much the figures can be trusted. */
function loadLine(when: string): string {
  return `load average ${when}: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${availableParallelism()} cores)`;
}
