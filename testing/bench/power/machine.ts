// The machine a benchmark ran on, printed with every result: cores, CPU model, kernel, Node.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

export function describeMachine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: keep os.cpus()'s model
  }
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `machine: nproc=${availableParallelism()}, cpu="${model.trim()}", kernel=${release()}, memory=${gib} GiB, node=${process.version}`;
}
