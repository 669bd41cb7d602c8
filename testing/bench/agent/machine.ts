// The machine a benchmark ran on, printed before any figure.
import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { availableParallelism } from 'node:os';

export function describeMachine(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line !== undefined) model = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: os.cpus() already named it
  }
  return `machine: nproc ${availableParallelism()}, cpu ${model}, kernel ${release()}, node ${process.version}`;
}
