// This machine's BPF programs, maps and links that belong to hearth's traffic
// monitor (bpftool), to show that a power manager run leaves none behind.
// Object ids only grow, so "created since a baseline" is "id above the
// baseline's highest".
import { execFile } from 'node:child_process';
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

/** hearth's programs, maps and links created after `baseline` that still exist. */
export async function bpfCreatedSince(baseline: BpfSnapshot): Promise<{ progs: number; maps: number; links: number }> {
  const now = await snapshotBpf();
  return {
    progs: now.progs.filter((id) => id > baseline.maxId.prog).length,
    maps: now.maps.filter((id) => id > baseline.maxId.map).length,
    links: now.links.filter((id) => id > baseline.maxId.link).length,
  };
}
