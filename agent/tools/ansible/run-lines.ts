// Runs a program from an argv (never a shell), hands each line of its merged
// stdout and stderr to a callback as it arrives, keeps the output up to a
// limit, and kills it on abort or timeout. (execa 10, which the task named,
// needs Node 22's Set methods; hearth supports Node 20, so node:child_process.)
import { spawn } from 'node:child_process';
import { HearthError } from '../../errors.js';
import { createOutputCapture } from '../output-capture.js';

export interface LinesOutcome {
  readonly exitCode: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

export interface LinesOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly outputLimit: number;
  readonly onLine?: (line: string) => void;
}

export async function runLines(program: string, argv: readonly string[], options: LinesOptions): Promise<LinesOutcome> {
  const capture = createOutputCapture(options.outputLimit);
  const child = spawn(program, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let timedOut = false;
  let pending = '';
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => { timedOut = true; kill(); }, options.timeoutMs);
  options.signal.addEventListener('abort', kill, { once: true });
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    capture.push(text);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (err) => reject(new HearthError('HEARTH_ERR_INTERNAL', `Cannot start ${program}: ${err.message}`, { cause: err })));
      child.once('close', (code) => resolve(code));
    });
    if (pending !== '') options.onLine?.(pending);
    return { exitCode, output: capture.text(), timedOut };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', kill);
  }
}
