// Runs `node bin/hearth.js agent --config FILE` as a real process, with a
// config written to a temp dir, and keeps everything it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyYaml as toYaml } from '../../agent/util/yaml.js';
import { repoPath } from '../../agent/util/paths.js';
import { waitFor } from '../support/wait-for.js';

export interface AgentProcessOptions {
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly nodeName?: string;
  /** The host the API listens on (port 0: the agent picks one and logs it). */
  readonly listenHost?: string;
  readonly token?: string;
  readonly env?: Record<string, string>;
  /** Default debug, so the token tests see everything the agent can print. */
  readonly logLevel?: string;
  /** discovery.wait (default 2s). */
  readonly discoveryWait?: string;
  /** Node.js flags before the script. */
  readonly nodeArgs?: readonly string[];
}

export interface AgentProcess {
  readonly url: string;
  readonly port: number;
  readonly configPath: string;
  readonly child: ChildProcess;
  /** Everything the agent printed on stdout so far. */
  output(): string;
  /** Sends the signal and resolves to the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  getJson(path: string): Promise<{ status: number; body: any }>;
}

export const HEARTH_BIN = () => repoPath('bin', 'hearth.js');

/**
 * Resolves with the exit code once the process has exited and its output has been read to the end:
 * 'close', not 'exit', which can come before the last lines it printed. Call it right after spawn.
 */
function closed(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-it-agent-'));
  const host = options.listenHost ?? '127.0.0.1';
  const config = {
    ...(options.nodeName === undefined ? {} : { node: { name: options.nodeName } }),
    api: { listen: `${host.includes(':') ? `[${host}]` : host}:0`, ...(options.token === undefined ? {} : { token: options.token }) },
    nomad: { addr: options.nomadAddr },
    consul: { addr: options.consulAddr },
    discovery: { wait: options.discoveryWait ?? '2s' },
    // The power manager needs eBPF and is tested on its own; these agents run without it.
    power: { enabled: false },
    state: { dir: join(dir, 'state') },
    join: { inventory: join(dir, 'inventory.yaml'), playbook: join(dir, 'playbook.yaml'), provisioner: ['true'] },
    log: { level: options.logLevel ?? 'debug' },
  };
  const configPath = join(dir, 'hearth.yaml');
  writeFileSync(configPath, toYaml(config), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, ...options.env };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), HEARTH_BIN(), 'agent', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = closed(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await done;
    rmSync(dir, { recursive: true, force: true });
  };

  let port: number;
  try {
    port = await waitFor('the agent to log its listening port', () => {
      if (child.exitCode !== null) throw new Error(`the agent exited ${child.exitCode}: ${stderr}${stdout}`);
      const line = stdout.split('\n').find((l) => l.includes('"msg":"api server listening"'));
      if (line === undefined) return undefined;
      return (JSON.parse(line) as { port: number }).port;
    }, { timeoutMs: 20_000 });
  } catch (err) {
    await cleanup();
    throw err;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopped: Promise<number | null> | undefined;
  return {
    url,
    port,
    configPath,
    child,
    output: () => stdout,
    async stop(signal = 'SIGTERM') {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await done;
        clearTimeout(timer);
        await cleanup();
        return code;
      })();
      return await stopped;
    },
    async getJson(path) {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    },
  };
}

/** Runs `hearth <args>` to completion. */
export async function runHearth(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [HEARTH_BIN(), ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = closed(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await done;
  clearTimeout(timer);
  return { code, stdout, stderr };
}
