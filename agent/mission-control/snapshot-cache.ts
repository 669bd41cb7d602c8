// What a page starts from: the cluster rows and the experts, serialised once
// per change instead of once per page, with a version that names it. The
// version is the hub's epoch (new with every agent process) and a counter
// that moves with every change the pages are sent; a page that already holds
// the current version (index.html carried it) is told so instead of being
// sent the same rows again.
import { randomBytes } from 'node:crypto';
import type { ClusterSnapshot } from './cluster-watch.js';

export interface Snapshot {
  readonly version: string;
  /** `{"cluster":…,"experts":…}` */
  readonly json: string;
}

export interface SnapshotCache {
  current(): Snapshot;
  /** The cluster or the experts changed: the next read serialises again under a new version. */
  invalidate(): void;
}

export interface SnapshotCacheDeps {
  readonly snapshot: () => ClusterSnapshot;
  readonly listExperts: () => readonly unknown[];
  /** Names this process's versions (default: random). */
  readonly epoch?: string;
}

export function createSnapshotCache(deps: SnapshotCacheDeps): SnapshotCache {
  const epoch = deps.epoch ?? randomBytes(6).toString('hex');
  let counter = 0;
  let cached: Snapshot | undefined;
  return {
    current() {
      cached ??= { version: `${epoch}.${counter}`, json: JSON.stringify({ cluster: deps.snapshot(), experts: deps.listExperts() }) };
      return cached;
    },
    invalidate() {
      counter += 1;
      cached = undefined;
    },
  };
}

/**
 * The hello a page is sent when its socket opens: the snapshot's own JSON spliced in, not serialised again.
 * With `unchanged` the rows are left out: the page holds that version already.
 */
export function helloText(head: { node: string; signedIn: boolean }, snapshot: Snapshot, unchanged: boolean): string {
  const prefix = `{"type":"hello","node":${JSON.stringify(head.node)},"signedIn":${head.signedIn},"version":${JSON.stringify(snapshot.version)}`;
  return unchanged ? `${prefix},"unchanged":true}` : `${prefix},${snapshot.json.slice(1)}`;
}
