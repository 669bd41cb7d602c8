// TC clsact attachments of hearth's programs. hearth's filters sit at one
// fixed handle and priority (HEARTH_TC_HANDLE / HEARTH_TC_PRIORITY, the
// priority configurable for tests that run monitors side by side) so a later
// run can find what a crashed run left behind: a tc filter created over
// netlink outlives the process that made it. A filter there is removed only
// if its program's name starts with "hearth_" and no live process holds the
// program (a running agent does); nothing else is touched.
import { execFileSync } from 'node:child_process';
import { closeSync } from 'node:fs';
import koffi from 'koffi';
import { HearthError } from '../errors.js';
import { bpfError, errnoName } from './bpf-error.js';
import { programHolders } from './prog-holders.js';
import { BPF_TC_EGRESS, BPF_TC_INGRESS, BpfProgInfo, BpfTcHook, BpfTcOpts, type Libbpf, type TcHook, type TcOpts } from './libbpf.js';

export const HEARTH_TC_HANDLE = 0x4845;
export const HEARTH_TC_PRIORITY = 0x4845;
export const HEARTH_PROGRAM_PREFIX = 'hearth_';

export type TcDirection = 'ingress' | 'egress';

export interface TcPlace {
  readonly ifname: string;
  readonly ifindex: number;
  readonly direction: TcDirection;
  /** tc priority of hearth's filter (HEARTH_TC_PRIORITY unless configured). */
  readonly priority: number;
}

function hookOf(place: Pick<TcPlace, 'ifindex'>, attachPoint: number): TcHook {
  return { sz: koffi.sizeof(BpfTcHook), ifindex: place.ifindex, attach_point: attachPoint, parent: 0 };
}

/** Runs a libbpf call with libbpf's own logging off (its failure is reported by the caller, or expected). */
function quietly<T>(lib: Libbpf, call: () => T): T {
  const previousPrint = lib.libbpf_set_print(null);
  try {
    return call();
  } finally {
    lib.libbpf_set_print(previousPrint);
  }
}

function directionPoint(direction: TcDirection): number {
  return direction === 'ingress' ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

function hearthOpts(place: Pick<TcPlace, 'priority'>, progFd = 0): TcOpts {
  return { sz: koffi.sizeof(BpfTcOpts), prog_fd: progFd, flags: 0, prog_id: 0, handle: HEARTH_TC_HANDLE, priority: place.priority };
}

/** Creates the clsact qdisc on the interface; true if this call created it (false: it existed). */
export function ensureClsact(lib: Libbpf, place: Pick<TcPlace, 'ifname' | 'ifindex'>): boolean {
  // EEXIST is an expected answer; keep libbpf from printing the kernel's complaint about it.
  const rc = quietly(lib, () => lib.bpf_tc_hook_create(hookOf(place, BPF_TC_INGRESS)));
  if (rc === 0) return true;
  if (errnoName(rc) === 'EEXIST') return false;
  throw bpfError('bpf_tc_hook_create', rc, { interface: place.ifname });
}

/**
 * True when `tc filter show` lists no filter in either direction of the
 * interface. Removing a clsact qdisc removes every filter on it, so hearth
 * removes one (even one it created) only when nobody else has added a filter
 * since. When `tc` cannot answer, the qdisc is assumed in use and kept.
 */
export function clsactIsEmpty(ifname: string): boolean {
  try {
    return (['ingress', 'egress'] as const).every((direction) => {
      const out = execFileSync('tc', ['-j', 'filter', 'show', 'dev', ifname, direction], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return (JSON.parse(out.trim() === '' ? '[]' : out) as unknown[]).length === 0;
    });
  } catch {
    return false;
  }
}

/** Removes the clsact qdisc (and every filter on it): only for a qdisc this process created. */
export function destroyClsact(lib: Libbpf, place: Pick<TcPlace, 'ifname' | 'ifindex'>): void {
  const rc = lib.bpf_tc_hook_destroy(hookOf(place, BPF_TC_INGRESS | BPF_TC_EGRESS));
  if (rc < 0 && errnoName(rc) !== 'ENOENT' && errnoName(rc) !== 'EINVAL') {
    throw bpfError('bpf_tc_hook_destroy', rc, { interface: place.ifname });
  }
}

/** Attaches `progFd` at hearth's handle/priority; returns the kernel's program id. */
export function attachTc(lib: Libbpf, place: TcPlace, progFd: number): number {
  const opts = hearthOpts(place, progFd);
  const rc = lib.bpf_tc_attach(hookOf(place, directionPoint(place.direction)), opts);
  if (rc < 0) throw bpfError('bpf_tc_attach', rc, { interface: place.ifname, direction: place.direction });
  return opts.prog_id;
}

export function detachTc(lib: Libbpf, place: TcPlace): void {
  const rc = lib.bpf_tc_detach(hookOf(place, directionPoint(place.direction)), hearthOpts(place));
  if (rc < 0 && errnoName(rc) !== 'ENOENT') {
    throw bpfError('bpf_tc_detach', rc, { interface: place.ifname, direction: place.direction });
  }
}

/** The program id of the filter at hearth's handle/priority, or undefined. */
export function queryTc(lib: Libbpf, place: TcPlace): number | undefined {
  const opts = hearthOpts(place);
  // "Nothing there" is the usual answer; keep libbpf from printing the kernel's complaint about it.
  const rc = quietly(lib, () => lib.bpf_tc_query(hookOf(place, directionPoint(place.direction)), opts));
  if (rc === 0) return opts.prog_id;
  // ENOENT: no filter there; EINVAL: no clsact qdisc on the interface.
  if (errnoName(rc) === 'ENOENT' || errnoName(rc) === 'EINVAL') return undefined;
  throw bpfError('bpf_tc_query', rc, { interface: place.ifname, direction: place.direction });
}

/** The name of a loaded program, by id ('' when it vanished meanwhile). */
export function programName(lib: Libbpf, id: number): string {
  const fd = lib.bpf_prog_get_fd_by_id(id);
  if (fd < 0) {
    if (errnoName(fd) === 'ENOENT') return '';
    throw bpfError('bpf_prog_get_fd_by_id', fd, { id });
  }
  try {
    const info: Record<string, unknown> = {};
    const len = [koffi.sizeof(BpfProgInfo)];
    const rc = lib.bpf_obj_get_info_by_fd(fd, info, len);
    if (rc < 0) throw bpfError('bpf_obj_get_info_by_fd', rc, { id });
    const name = info['name'];
    return typeof name === 'string' ? name : '';
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a filter a crashed hearth left at this place; returns the removed
 * program's name, or undefined when there was none (or it was not hearth's).
 * A hearth filter whose program a live process still holds belongs to a
 * running agent: it is left alone and this start fails, naming the process.
 */
export function removeLeftover(lib: Libbpf, place: TcPlace): string | undefined {
  const id = queryTc(lib, place);
  if (id === undefined) return undefined;
  const name = programName(lib, id);
  if (!name.startsWith(HEARTH_PROGRAM_PREFIX)) return undefined;
  const holders = programHolders(id);
  if (holders.length > 0) {
    throw new HearthError(
      'HEARTH_ERR_BPF',
      `Another running hearth traffic monitor (pid ${holders.join(', ')}) is attached at hearth's tc slot on ${place.ifname} ${place.direction}; stop it first.`,
      { details: { function: 'bpf_tc_query', interface: place.ifname, direction: place.direction, programId: id, pids: holders, hint: 'one traffic monitor per host' } },
    );
  }
  detachTc(lib, place);
  return name;
}
