// ssh.run_command: runs one command on a cluster host over SSH (ssh2). The
// host is a name from the inventory or discovery, never an address the model
// invents; its key must already be in the known-hosts file (an unknown or
// changed key is refused with its fingerprint); the command is an argv array
// quoted word by word for the remote shell. Sensitive: every call is approved.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { HearthConfig } from '../config/schema.js';
import { HearthError } from '../errors.js';
import { argvSchema, quoteForPosixShell } from './argv.js';
import { createOutputCapture } from './output-capture.js';
import { checkHostKey, knownHostsName, parseKnownHosts, type HostKeyVerdict } from './ssh/known-hosts.js';
import type { SshHost } from './ssh/hosts.js';
import type { Tool, ToolResult } from './tool.js';

export type SshToolConfig = HearthConfig['tools']['ssh'];

export interface SshDeps {
  readonly config: SshToolConfig;
  /** The hosts this tool may reach, by name: the inventory's and discovery's. */
  hosts(): Promise<ReadonlyMap<string, SshHost>>;
}

const input = z
  .object({
    host: z.string().max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'expected a host name from the inventory' }),
    argv: argvSchema,
    timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

export type SshInput = z.infer<typeof input>;

export interface SshOutcome {
  readonly host: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function refusedKey(host: string, verdict: Exclude<HostKeyVerdict, { kind: 'known' }>, knownHosts: string): HearthError {
  const what = verdict.kind === 'unknown'
    ? `is not in ${knownHosts}`
    : verdict.kind === 'changed'
      ? `does not match the key${verdict.expected.length > 1 ? 's' : ''} ${verdict.expected.join(', ')} listed in ${knownHosts} (it changed)`
      : `is marked @revoked in ${knownHosts}`;
  return new HearthError('HEARTH_ERR_UNAUTHORIZED', `Refused ${host}: its host key ${verdict.fingerprint} ${what}. Verify it and add it to the known-hosts file to allow it.`, {
    details: { host, verdict: verdict.kind, fingerprint: verdict.fingerprint },
  });
}

async function readOrExplain(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `Cannot read the ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export async function runOverSsh(input: SshInput, deps: SshDeps, signal: AbortSignal): Promise<SshOutcome> {
  const { config } = deps;
  const hosts = await deps.hosts();
  const host = hosts.get(input.host);
  if (host === undefined) {
    const known = [...hosts.keys()].sort();
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a host from the inventory or discovery for \`host\`, got ${JSON.stringify(input.host)}; known hosts: ${known.length === 0 ? '(none)' : known.join(', ')}.`, {
      details: { given: input.host, known },
    });
  }
  const port = host.port ?? config.port;
  const knownHostsText = await readOrExplain(config.knownHosts, 'known-hosts file');
  const privateKey = await readOrExplain(config.privateKey, 'ssh private key');
  const entries = parseKnownHosts(knownHostsText);
  const names = [knownHostsName(host.address, port), knownHostsName(host.name, port)];
  const timeoutMs = Math.min((input.timeoutSeconds ?? Infinity) * 1000, config.timeout);
  const stdout = createOutputCapture(config.outputLimit);
  const stderr = createOutputCapture(config.outputLimit);
  // ssh2 (about 11 MB resident) is loaded at the first command, not when the agent starts.
  const { default: ssh2 } = await import('ssh2');
  // Aborted while the files were read or ssh2 loaded: no abort event comes any more.
  if (signal.aborted) throw new HearthError('HEARTH_ERR_TIMEOUT', `The command on ${input.host} was stopped: ${String(signal.reason ?? 'aborted')}.`);
  const client = new ssh2.Client();
  let refusal: HearthError | undefined;

  return await new Promise<SshOutcome>((resolve, reject) => {
    let timedOut = false;
    let settled = false;
    const finish = (outcome: SshOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      client.end();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => { timedOut = true; stop(); }, timeoutMs);
    // Ending the connection stops the remote command: sshd sends SIGHUP to its session.
    const stop = () => finish({ host: input.host, exitCode: null, signal: null, stdout: stdout.text(), stderr: stderr.text(), timedOut });
    const onAbort = () => finish(new HearthError('HEARTH_ERR_TIMEOUT', `The command on ${input.host} was stopped: ${String(signal.reason ?? 'aborted')}.`));
    signal.addEventListener('abort', onAbort, { once: true });

    client.on('ready', () => {
      client.exec(quoteForPosixShell(input.argv), (err, channel) => {
        if (err !== undefined && err !== null) return finish(new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot start the command on ${input.host}: ${err.message}`, { cause: err }));
        channel.on('data', (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
        channel.on('exit', (code: number | null, sig?: string) => { exit = { code: code ?? null, signal: sig ?? null }; });
        channel.on('close', () => finish({ host: input.host, exitCode: exit.code, signal: exit.signal, stdout: stdout.text(), stderr: stderr.text(), timedOut }));
      });
    });
    client.on('error', (err) => {
      finish(refusal ?? new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot reach ${input.host} (${host.address}:${port}) over ssh: ${err.message}`, { cause: err }));
    });
    client.connect({
      host: host.address,
      port,
      username: host.user ?? config.user,
      privateKey,
      ...(config.password === undefined ? {} : { password: config.password }),
      readyTimeout: Math.min(timeoutMs, 20_000),
      hostVerifier: (key: Buffer) => {
        const verdict = checkHostKey(entries, names, key);
        if (verdict.kind === 'known') return true;
        refusal = refusedKey(input.host, verdict, config.knownHosts);
        return false;
      },
    });
  });
}

function render(outcome: SshOutcome): ToolResult {
  const status = outcome.timedOut ? 'timed out (stopped)' : outcome.exitCode !== null ? `exit code ${outcome.exitCode}` : `killed by ${outcome.signal ?? 'a closed connection'}`;
  const parts = [`${outcome.host}: ${status}`];
  if (outcome.stdout !== '') parts.push(`stdout:\n${outcome.stdout}`);
  if (outcome.stderr !== '') parts.push(`stderr:\n${outcome.stderr}`);
  return { text: parts.join('\n'), data: outcome, isError: outcome.exitCode !== 0 };
}

export const sshRunCommand: Tool<typeof input, SshDeps> = {
  name: 'ssh.run_command',
  description: 'Run one command on a cluster host over SSH. `host` is a host name from the inventory; `argv` is the program and its arguments (no shell syntax). Returns the exit code and the captured output.',
  input,
  sensitive: true,
  timeoutMs: 3_600_000,
  outputLimit: 64_000,
  async run(args, deps, ctx) {
    ctx.progress(`running ${args.argv[0] ?? ''} on ${args.host}`);
    return render(await runOverSsh(args, deps, ctx.signal));
  },
};
