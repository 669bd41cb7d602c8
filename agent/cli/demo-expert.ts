// The expert `hearth demo` serves so `hearth chat` has someone to talk to:
// llama-server with a tiny random-weight model (its words are noise, its wire
// is the real one) when the llama.cpp environment of testing/python is
// installed (HEARTH_PY_VENV, or the cache under /var/cache/hearth), else a
// scripted OpenAI-compatible server that answers with a fixed text.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../util/paths.js';
import { startFakeOpenAi } from '../../testing/support/fake-openai.js';
import { llamaServerIn, startLlamaExpert } from '../../testing/twin/llama-expert.js';

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
      execFileSync(join(venv, 'bin', 'python'), [repoPath('testing', 'twin', 'tiny-gguf.py'), model], { stdio: 'pipe' });
      const llama = await startLlamaExpert({ server: llamaServerIn(venv), model, host: options.host, args: ['-n', '64'] });
      return { port: llama.port, kind: `a real llama-server (${llamaServerIn(venv)}) with a tiny random-weight model: its answers are noise`, stop: () => llama.stop() };
    } catch (err) {
      const fake = await scripted(options.host);
      return { ...fake, kind: `a scripted expert (llama-server from ${venv} failed to start: ${(err as Error).message.split('\n')[0]})` };
    }
  }
  const fake = await scripted(options.host);
  return { ...fake, kind: 'a scripted expert (llama.cpp is not installed here; testing/python/install.sh builds it)' };
}

async function scripted(host: string): Promise<DemoExpert> {
  const fake = await startFakeOpenAi({ host });
  fake.fallback({ kind: 'text', chunks: 'This is the demo expert. In a real cluster, a model deployed by hearth answers here. '.split(/(?<= )/), delayMs: 20 });
  return { port: fake.port, kind: 'a scripted expert', stop: () => fake.close() };
}
