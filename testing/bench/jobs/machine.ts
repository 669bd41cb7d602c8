// The machine a benchmark ran on: nproc, CPU model, kernel, Node.
import { cpus, release } from 'node:os';

export function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `machine: nproc ${cpus().length}, ${cpu}, kernel ${release()}, node ${process.version}`;
}
