// This machine's BPF programs, maps and links that belong to hearth's traffic
// monitor (bpftool), to show that a power manager run leaves none behind.
// Object ids only grow, so "created since a baseline" is "id above the
// baseline's highest". A leak is such an object no process holds: test files
// run side by side, and another file's live monitor is not this one's leak.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PROGRAM_NAMES = new Set(['hearth_tc_ingress', 'hearth_tc_egress', 'hearth_sk_lookup']);
const MAP_NAMES = new Set(['services', 'service_stats', 'conns', 'syn_events', 'hold_sockets', 'watched_ports']);

export interface BpfSnapshot {
  readonly maxId: { readonly prog: number; readonly map: number; readonly link: number };
  readonly progs: number[];
  readonly maps: number[];
  readonly links: number[];
}

async function list(kind: 'prog' | 'map' | 'link'): Promise<Array<{ id: number; name?: string; prog_id?: number }>> {
  const { stdout } = await run('bpftool', ['-j', kind, 'show'], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim() === '' ? '[]' : stdout) as Array<{ id: number; name?: string; prog_id?: number }>;
}

export async function snapshotBpf(): Promise<BpfSnapshot> {
  const [progs, maps, links] = await Promise.all([list('prog'), list('map'), list('link')]);
  const hearthProgs = progs.filter((p) => PROGRAM_NAMES.has(p.name ?? '')).map((p) => p.id);
  const max = (items: Array<{ id: number }>) => items.reduce((top, item) => Math.max(top, item.id), 0);
  return {
    maxId: { prog: max(progs), map: max(maps), link: max(links) },
    progs: hearthProgs,
    maps: maps.filter((m) => MAP_NAMES.has(m.name ?? '')).map((m) => m.id),
    links: links.filter((l) => l.prog_id !== undefined && hearthProgs.includes(l.prog_id)).map((l) => l.id),
  };
}

/** The BPF objects some live process holds a file descriptor of, as "prog:ID", "map:ID" and "link:ID" (from /proc/PID/fdinfo). */
export async function bpfObjectsHeld(): Promise<Set<string>> {
  const held = new Set<string>();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  await Promise.all(pids.map(async (pid) => {
    const fds = await readdir(`/proc/${pid}/fdinfo`).catch(() => [] as string[]);
    for (const fd of fds) {
      const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
      for (const match of info.matchAll(/^(prog|map|link)_id:\s+(\d+)$/gm)) held.add(`${match[1]}:${match[2]}`);
    }
  }));
  return held;
}

/** hearth's programs, maps and links created after `baseline` that still exist and that no live process holds. */
export async function bpfCreatedSince(baseline: BpfSnapshot): Promise<{ progs: number; maps: number; links: number }> {
  const now = await snapshotBpf();
  const held = await bpfObjectsHeld();
  const orphans = (kind: 'prog' | 'map' | 'link', ids: number[]) => ids.filter((id) => id > baseline.maxId[kind] && !held.has(`${kind}:${id}`)).length;
  return { progs: orphans('prog', now.progs), maps: orphans('map', now.maps), links: orphans('link', now.links) };
}
