// Wall time of a process from spawn to exit, over several runs.
import { spawn, spawnSync } from 'node:child_process';

export interface Timing {
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
}

function summarize(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  return { runs: samples.length, medianMs: samples[Math.floor(samples.length / 2)] ?? 0, minMs: samples[0] ?? 0, maxMs: samples[samples.length - 1] ?? 0 };
}

function timeOnce(spec: ProcessSpec, cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(spec.command, spec.args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${spec.command} ${spec.args.join(' ')} exited ${String(result.status)}: ${result.stderr.toString().slice(0, 300)}`);
  return ms;
}

/**
 * Times several processes round-robin (run i of each before run i + 1 of any),
 * so a change in the load of a shared machine falls on all of them alike and
 * ratios between them stay fair.
 */
export function timeProcessesInterleaved(specs: readonly ProcessSpec[], runs: number, cwd: string): Timing[] {
  const samples = specs.map((): number[] => []);
  for (let i = 0; i < runs; i += 1) specs.forEach((spec, j) => samples[j]?.push(timeOnce(spec, cwd)));
  return samples.map(summarize);
}

/** Times one process `runs` times, without blocking this process's event loop (for servers running in it). */
export async function timeProcessAsync(command: string, args: readonly string[], runs: number, cwd: string): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stderr: text }));
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(code)}: ${stderr.slice(0, 300)}`);
    samples.push(ms);
  }
  return summarize(samples);
}
