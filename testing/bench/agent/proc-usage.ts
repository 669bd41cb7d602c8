// CPU time and resident memory of a process, from /proc (Linux).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds the process has used so far. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident set size in bytes. */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

export interface UsageWindow {
  readonly cpuPercentOfOneCore: number;
  readonly rssMaxBytes: number;
  readonly rssEndBytes: number;
  /** The largest resident size in the window's second half: the process at rest, after the start-up's garbage is collected. */
  readonly rssRestMaxBytes: number;
  /** One resident size a second, in bytes. */
  readonly rssSamples: readonly number[];
}

/** Samples the processes once a second for `seconds`, all in the same window. */
export async function measureUsage(pids: readonly number[], seconds: number): Promise<UsageWindow[]> {
  const cpuStart = pids.map(readCpuSeconds);
  const started = process.hrtime.bigint();
  const samples = pids.map((pid) => [readRssBytes(pid)]);
  for (let elapsed = 0; elapsed < seconds; elapsed += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    pids.forEach((pid, i) => samples[i]?.push(readRssBytes(pid)));
  }
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return pids.map((pid, i) => {
    const own = samples[i] ?? [];
    return {
      cpuPercentOfOneCore: ((readCpuSeconds(pid) - (cpuStart[i] ?? 0)) / wallSeconds) * 100,
      rssMaxBytes: Math.max(...own),
      rssEndBytes: readRssBytes(pid),
      rssRestMaxBytes: Math.max(...own.slice(Math.floor(own.length / 2))),
      rssSamples: own,
    };
  });
}
