// Where the loaded traffic monitor is attached, and the order it is attached
// and detached in: TC clsact filters on every interface (lo: ingress only),
// the sk_lookup link in a network namespace, and the SYN event reader. An
// Attachment records each step as it succeeds, so a failed attach is undone
// by detach() exactly as far as it got.
import { closeSync, openSync } from 'node:fs';
import { HearthError } from '../errors.js';
import type { Logger } from '../log.js';
import { bpfError } from './bpf-error.js';
import type { BpfObject } from './bpf-object.js';
import { createInterfaceIndexer } from './interfaces.js';
import { lastErrno, type Libbpf, type NativePointer } from './libbpf.js';
import type { SynEvent } from './types.js';
import { startSynEventReader, type SynEventReader } from './syn-events.js';
import { attachTc, clsactIsEmpty, destroyClsact, detachTc, ensureClsact, removeLeftover, type TcPlace } from './tc.js';

const PROGRAM_INGRESS = 'hearth_tc_ingress';
const PROGRAM_EGRESS = 'hearth_tc_egress';
const PROGRAM_SK_LOOKUP = 'hearth_sk_lookup';

export interface Attachment {
  readonly lib: Libbpf;
  readonly obj: BpfObject;
  readonly places: TcPlace[];
  readonly createdClsact: Array<Pick<TcPlace, 'ifname' | 'ifindex'>>;
  link: NativePointer | null;
  reader: SynEventReader | undefined;
}

export interface AttachOptions {
  readonly ifnames: readonly string[];
  readonly tcPriority: number;
  readonly netnsPath: string;
  readonly log: Logger;
  readonly deliver: (events: SynEvent[]) => void;
}

export function newAttachment(lib: Libbpf, obj: BpfObject): Attachment {
  return { lib, obj, places: [], createdClsact: [], link: null, reader: undefined };
}

function attachSkLookup(att: Attachment, netnsPath: string): void {
  let netnsFd: number;
  try {
    netnsFd = openSync(netnsPath, 'r');
  } catch (err) {
    throw new HearthError('HEARTH_ERR_BPF', `Cannot open network namespace ${netnsPath} for sk_lookup.`, {
      cause: err,
      details: { function: 'open', path: netnsPath, hint: 'the namespace file is missing' },
    });
  }
  try {
    const link = att.lib.bpf_program__attach_netns(att.obj.program(PROGRAM_SK_LOOKUP), netnsFd);
    if (link === null) throw bpfError('bpf_program__attach_netns', lastErrno(), { netns: netnsPath });
    att.link = link;
  } finally {
    closeSync(netnsFd); // the link keeps its own reference to the namespace
  }
}

export async function attach(att: Attachment, opts: AttachOptions): Promise<void> {
  const indexer = createInterfaceIndexer();
  const wanted: TcPlace[] = [];
  for (const ifname of opts.ifnames) {
    const ifindex = indexer.indexOf(ifname);
    wanted.push({ ifname, ifindex, direction: 'ingress', priority: opts.tcPriority });
    // On lo every packet crosses egress and then ingress: count it once, at ingress.
    if (ifname !== 'lo') wanted.push({ ifname, ifindex, direction: 'egress', priority: opts.tcPriority });
  }
  for (const place of wanted) {
    if (place.direction === 'ingress' && ensureClsact(att.lib, place)) att.createdClsact.push(place);
  }
  // Crash recovery: a filter at hearth's handle/priority running a hearth_ program nobody holds is a leftover.
  for (const place of wanted) {
    const removed = removeLeftover(att.lib, place);
    if (removed !== undefined) {
      opts.log.warn({ interface: place.ifname, direction: place.direction, program: removed }, 'removed a tc filter left by an earlier hearth run');
    }
  }
  for (const place of wanted) {
    attachTc(att.lib, place, att.obj.programFd(place.direction === 'ingress' ? PROGRAM_INGRESS : PROGRAM_EGRESS));
    att.places.push(place);
  }
  attachSkLookup(att, opts.netnsPath);
  att.reader = await startSynEventReader({ mapFd: att.obj.mapFd('syn_events'), log: opts.log, deliver: opts.deliver, lib: att.lib });
}

/** Undoes everything `att` records, in reverse order, then closes the object; the first failure is rethrown after all steps ran. */
export async function detach(att: Attachment, log: Logger): Promise<void> {
  const failures: unknown[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      failures.push(err);
    }
  };
  if (att.reader !== undefined) await att.reader.stop();
  att.reader = undefined;
  if (att.link !== null) {
    const link = att.link;
    att.link = null;
    attempt(() => {
      const rc = att.lib.bpf_link__destroy(link);
      if (rc < 0) throw bpfError('bpf_link__destroy', rc);
    });
  }
  for (const place of att.places.splice(0)) attempt(() => detachTc(att.lib, place));
  for (const hook of att.createdClsact.splice(0)) {
    if (clsactIsEmpty(hook.ifname)) attempt(() => destroyClsact(att.lib, hook));
    else log.info({ interface: hook.ifname }, 'kept the clsact qdisc: other filters use it');
  }
  att.obj.close();
  for (const err of failures) log.error({ err }, 'traffic monitor teardown step failed');
  if (failures.length > 0) throw failures[0];
}
