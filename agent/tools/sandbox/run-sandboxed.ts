// Runs a sandbox argv with the code on stdin: output kept up to the limit,
// the whole process group killed at the wall-clock limit or on abort, and
// the exit code, signal and reason returned.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { HearthError } from '../../errors.js';
import { createOutputCapture } from '../output-capture.js';
import type { SandboxLimits } from './limits.js';

export interface SandboxOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it ended when it did not end by itself. */
  readonly stopped?: 'wall-time' | 'aborted';
  readonly ms: number;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  /** Sees the first line of output as soon as it arrives (progress, benchmarks). */
  readonly onFirstLine?: (line: string) => void;
  /**
   * Start the sandbox as this unprivileged user when the agent runs as root: the kernel does not
   * enforce RLIMIT_NPROC on processes whose real user is root, even inside a user namespace.
   */
  readonly runAs?: { readonly uid: number; readonly gid: number };
}

/** bubblewrap and docker exit with 128 + n when the sandboxed process died of signal n. */
function signalFromStatus(exitCode: number | null, signal: NodeJS.Signals | null): string | null {
  if (signal !== null) return signal;
  if (exitCode === null || exitCode <= 128) return null;
  const name = Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
  return name ?? null;
}

export async function runSandboxed(argv: readonly string[], code: string, limits: SandboxLimits, options: RunOptions): Promise<SandboxOutcome> {
  const [program, ...args] = argv;
  if (program === undefined) throw new HearthError('HEARTH_ERR_INTERNAL', 'The sandbox argv is empty.');
  const started = performance.now();
  const stdout = createOutputCapture(limits.outputLimit);
  const stderr = createOutputCapture(limits.outputLimit);
  const child = spawn(program, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    // The sandbox never sees the agent's working directory (nobody may not even reach it).
    cwd: '/',
    env: {},
    ...(options.runAs !== undefined && process.getuid?.() === 0 ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
  });
  let stopped: SandboxOutcome['stopped'];
  let firstLineSeen = options.onFirstLine === undefined;
  let pending = '';

  const kill = (why: NonNullable<SandboxOutcome['stopped']>) => {
    stopped ??= why;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => kill('wall-time'), limits.wallMs);
  const onAbort = () => kill('aborted');
  options.signal.addEventListener('abort', onAbort, { once: true });

  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    if (!firstLineSeen) {
      pending += chunk.toString('utf8');
      const newline = pending.indexOf('\n');
      if (newline >= 0) {
        firstLineSeen = true;
        options.onFirstLine?.(pending.slice(0, newline));
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => { /* the sandbox may exit before reading all of the code */ });
  child.stdin.end(code);

  try {
    return await new Promise<SandboxOutcome>((resolve, reject) => {
      child.once('error', (err) => reject(new HearthError('HEARTH_ERR_INTERNAL', `Cannot start the sandbox ${program}: ${err.message}`, { cause: err })));
      child.once('close', (exitCode, signal) => {
        const died = signalFromStatus(exitCode, signal);
        resolve({ exitCode: died === null ? exitCode : null, signal: died, stdout: stdout.text(), stderr: stderr.text(), ...(stopped === undefined ? {} : { stopped }), ms: performance.now() - started });
      });
    });
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}
