// Counts this machine's BPF programs, maps and links (bpftool), to show that a
// power manager run leaves none behind.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BpfObjectCount {
  readonly progs: number;
  readonly maps: number;
  readonly links: number;
}

async function countOf(kind: 'prog' | 'map' | 'link', owner: RegExp): Promise<number> {
  const { stdout } = await run('bpftool', ['-j', kind, 'show'], { maxBuffer: 64 * 1024 * 1024 });
  const items = JSON.parse(stdout === '' ? '[]' : stdout) as Array<{ name?: string; prog_name?: string }>;
  return items.filter((item) => owner.test(item.name ?? '')).length;
}

/** The traffic monitor's objects: programs named hearth_*, its maps, and its links. */
export async function countHearthBpfObjects(): Promise<BpfObjectCount> {
  const [progs, maps, links] = await Promise.all([
    countOf('prog', /^hearth_/),
    countOf('map', /^(services|service_stats|conns|syn_events|hold_sockets|traffic_m)/),
    run('bpftool', ['-j', 'link', 'show']).then(({ stdout }) => (JSON.parse(stdout === '' ? '[]' : stdout) as unknown[]).length),
  ]);
  return { progs, maps, links };
}
