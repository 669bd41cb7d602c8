// Runs a program from an argv (never a shell) through execa, hands each line
// of its merged stdout and stderr to a callback as it arrives, keeps the
// output up to a limit, and ends its whole process group on abort or timeout
// (ansible-playbook forks workers that must not outlive the call). execa
// (about 8 MB resident) is loaded at the first run, not when the agent starts.
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
  const { execa } = await import('execa');
  const child = execa(program, argv, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    lines: false,
    buffer: false,
    reject: false,
    // Its own process group, so a kill reaches the workers it forks.
    detached: true,
  });
  let timedOut = false;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  options.signal.addEventListener('abort', killGroup, { once: true });
  // Aborted while execa loaded or the child started: no abort event comes any more.
  if (options.signal.aborted) killGroup();
  // One partial line per stream, so a line of stdout is never spliced into one of stderr.
  const pending = { stdout: '', stderr: '' };
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    capture.push(text);
    const lines = (pending[stream] + text).split('\n');
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      throw new HearthError('HEARTH_ERR_INTERNAL', `Cannot start ${program}: ${result.shortMessage}`, { cause: result.cause });
    }
    for (const rest of [pending.stdout, pending.stderr]) if (rest !== '') options.onLine?.(rest);
    return { exitCode: result.exitCode ?? null, output: capture.text(), timedOut };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', killGroup);
  }
}
