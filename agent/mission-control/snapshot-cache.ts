// What a new page starts from: the cluster rows and the experts, serialised
// once per change instead of once per page that connects.
import type { ClusterSnapshot } from './cluster-watch.js';

export interface SnapshotCache {
  /** `{"cluster":…,"experts":…}` as it is now. */
  json(): string;
  /** The cluster or the experts changed: the next read serialises again. */
  invalidate(): void;
}

export interface SnapshotCacheDeps {
  readonly snapshot: () => ClusterSnapshot;
  readonly listExperts: () => readonly unknown[];
}

export function createSnapshotCache(deps: SnapshotCacheDeps): SnapshotCache {
  let cached: string | undefined;
  return {
    json() {
      cached ??= JSON.stringify({ cluster: deps.snapshot(), experts: deps.listExperts() });
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** The hello a page is sent when its socket opens: the snapshot's JSON spliced in, not serialised again. */
export function helloText(head: { node: string; signedIn: boolean }, snapshotJson: string): string {
  return `{"type":"hello","node":${JSON.stringify(head.node)},"signedIn":${head.signedIn},${snapshotJson.slice(1)}`;
}
