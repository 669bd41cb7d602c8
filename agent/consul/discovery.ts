// Watches Consul for services whose names start with a prefix, with a constant
// number of blocking queries however many names match:
// - /v1/catalog/services (names and tags; its index moves on register and
//   deregister) learns which names have the prefix;
// - /v1/health/state/any (every check of the datacenter) learns health changes.
// Each answer is compared with the previous one. A name whose checks only changed
// status is updated from the health answer itself; a name that is new, whose tags
// changed, or whose checks came or went (an instance did) is re-read with a plain
// /v1/health/service/:name (address, port, meta, per-instance health), a few at a
// time. No polling: a check that turns passing reaches list() with the blocking
// answer that reports it.
import type { Logger } from '../log.js';
import { isHearthError } from '../errors.js';
import type { BackoffPolicy } from '../http/backoff.js';
import { runBlockingLoop } from './blocking-loop.js';
import type { ConsulClient } from './client.js';
import { diffHealth, instanceHealth, snapshotChecks, worstStatus, type HealthSnapshot } from './health-diff.js';
import type { RateLimitPolicy } from './index-rules.js';
import { createRereadQueue, type RereadQueue } from './reread-queue.js';
import type { CheckStatus, HealthCheckInfo, HealthServiceEntry } from './types.js';

export interface DiscoveredService {
  readonly name: string;
  readonly id: string;
  readonly node: string;
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  /** The worst status among the instance's checks (node checks included). */
  readonly health: CheckStatus;
}

export type ConsulReachability = 'reachable' | 'unreachable' | 'acl-denied';

export interface WatcherStatus {
  readonly state: ConsulReachability;
  /** The last error's message, while the state is not reachable. */
  readonly lastError?: string;
  /** When the state last changed (ms since the epoch). */
  readonly since: number;
}

export interface ServiceWatcherOptions {
  readonly consul: Pick<ConsulClient, 'catalogServices' | 'healthService' | 'healthState'>;
  /** Only names starting with this are watched, e.g. "prima-api-". */
  readonly prefix: string;
  /** Longest wait of one blocking query: Go duration or ms. */
  readonly wait: string | number;
  readonly log: Logger;
  /** Called with the new list after every change. */
  readonly onChange?: (services: DiscoveredService[]) => void;
  /** "passing" (default): list() holds passing instances only; "all": every instance with its health. */
  readonly include?: 'passing' | 'all';
  /** Paces the catalog loop. */
  readonly rateLimit?: RateLimitPolicy;
  /** Paces the health loop; default HEALTH_RATE_LIMIT. */
  readonly healthRateLimit?: RateLimitPolicy;
  readonly backoff?: BackoffPolicy;
  /** Plain re-reads of changed names in flight at once (default 4). */
  readonly rereadConcurrency?: number;
}

export interface ServiceWatcher {
  start(): void;
  /** Aborts every in-flight query; resolves once every loop has ended. */
  stop(): Promise<void>;
  list(): DiscoveredService[];
  status(): WatcherStatus;
}

/**
 * The health loop answers for every check of the datacenter, so it may go round
 * faster than the default (burst 2, then one a second): at most 20 rounds a second
 * after a burst of 10. A change that arrives while the bucket is empty waits at
 * most 50 ms, and every change made meanwhile comes in the same answer.
 */
export const HEALTH_RATE_LIMIT: RateLimitPolicy = { burst: 10, intervalMs: 50 };

export function toDiscoveredService(entry: HealthServiceEntry): DiscoveredService {
  const health = worstStatus((entry.Checks ?? []).map((check) => check.Status));
  return {
    name: entry.Service.Service,
    id: entry.Service.ID,
    node: entry.Node.Node,
    address: entry.Service.Address !== '' ? entry.Service.Address : entry.Node.Address,
    port: entry.Service.Port,
    tags: entry.Service.Tags ?? [],
    meta: entry.Service.Meta ?? {},
    health,
  };
}

/** Tags as one comparable string: a name whose tags changed is re-read. */
function tagsKey(tags: readonly string[] | null | undefined): string {
  return [...(tags ?? [])].sort().join('\u0000');
}

export function createServiceWatcher(options: ServiceWatcherOptions): ServiceWatcher {
  const log = options.log.child({ module: 'consul-discovery' });
  const include = options.include ?? 'passing';
  const instances = new Map<string, DiscoveredService[]>();
  // Prefixed names of the last catalog answer -> their tags.
  let names = new Map<string, string>();
  let health: HealthSnapshot | undefined;
  // Both blocking loops while they run: stop() waits for them.
  const running = new Set<Promise<void>>();
  let root: AbortController | undefined;
  let queue: RereadQueue | undefined;
  let current: WatcherStatus = { state: 'reachable', since: Date.now() };

  const loopTuning = {
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  };

  function list(): DiscoveredService[] {
    const all = [...instances.values()].flat();
    return include === 'all' ? all : all.filter((s) => s.health === 'passing');
  }

  function notify(): void {
    options.onChange?.(list());
  }

  // One log line per streak: only a change of state is logged, however many reads fail.
  function reportError(err: unknown): void {
    const state: ConsulReachability = isHearthError(err, 'HEARTH_ERR_ACL_DENIED') ? 'acl-denied' : 'unreachable';
    const message = err instanceof Error ? err.message : String(err);
    if (current.state !== state) {
      log.warn({ err, state }, 'consul discovery degraded');
      current = { state, lastError: message, since: Date.now() };
    } else {
      current = { ...current, lastError: message };
    }
  }

  function reportSuccess(): void {
    if (current.state === 'reachable') return;
    log.info({ previous: current.state }, 'consul discovery recovered');
    current = { state: 'reachable', since: Date.now() };
  }

  function track(loop: Promise<void>): void {
    running.add(loop);
    void loop.finally(() => running.delete(loop));
  }

  function setInstances(name: string, entries: HealthServiceEntry[], signal: AbortSignal): void {
    reportSuccess();
    // A name that left the catalog while its read was in flight stays gone.
    if (signal.aborted || !names.has(name)) return;
    instances.set(name, entries.map(toDiscoveredService));
    notify();
  }

  function onCatalog(services: Record<string, string[]>, signal: AbortSignal): void {
    reportSuccess();
    if (signal.aborted) return;
    const previous = names;
    names = new Map(Object.entries(services).filter(([name]) => name.startsWith(options.prefix)).map(([name, tags]) => [name, tagsKey(tags)]));
    let removed = false;
    for (const name of previous.keys()) {
      if (names.has(name)) continue;
      queue?.forget(name);
      removed = instances.delete(name) || removed;
    }
    const changed = [...names].filter(([name, tags]) => previous.get(name) !== tags).map(([name]) => name);
    // The index moved but no prefixed name or tag did: some service's address, port or
    // meta may have changed (or Consul came back after an error), so every name is re-read.
    const reread = changed.length === 0 && names.size === previous.size ? [...names.keys()] : changed;
    for (const name of reread) queue?.request(name);
    if (removed) notify();
  }

  function onHealth(checks: HealthCheckInfo[], signal: AbortSignal): void {
    reportSuccess();
    if (signal.aborted || queue === undefined) return;
    const next = snapshotChecks(checks, options.prefix);
    const changes = diffHealth(health, next);
    const previous = health;
    health = next;
    const onNodes = (name: string, nodes: ReadonlySet<string>): boolean =>
      nodes.size > 0 &&
      [...nodes].some(
        (node) =>
          next.nodesOf.get(name)?.has(node) === true ||
          previous?.nodesOf.get(name)?.has(node) === true ||
          // A node check counts for every instance on the node, checked or not.
          (instances.get(name) ?? []).some((s) => s.node === node),
      );
    let updated = false;
    for (const name of names.keys()) {
      if (!changes.names.has(name) && !onNodes(name, changes.nodes)) continue;
      const known = instances.get(name);
      // Checks that came or went mean instances that did: read the name again. So does a
      // name whose read is queued or in flight, as that answer may predate this one.
      if (known === undefined || changes.reshapedNames.has(name) || onNodes(name, changes.reshapedNodes) || queue.busy(name)) {
        queue.request(name);
        continue;
      }
      // Only statuses moved: the answer itself says each instance's new health.
      let changed = false;
      const refreshed = known.map((s) => {
        const status = instanceHealth(next, s.node, s.id);
        if (status === s.health) return s;
        changed = true;
        return { ...s, health: status };
      });
      if (!changed) continue;
      instances.set(name, refreshed);
      updated = true;
    }
    // Names the catalog has not listed yet are read when it does.
    if (updated) notify();
  }

  return {
    start() {
      if (root !== undefined) return;
      const controller = new AbortController();
      const { signal } = controller;
      root = controller;
      const consul = options.consul;
      queue = createRereadQueue({
        concurrency: options.rereadConcurrency ?? 4,
        read: async (name, s) => setInstances(name, (await consul.healthService(name, { signal: s })).data, s),
        onError: reportError,
        signal,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      });
      track(runBlockingLoop({
        read: (index, s) => consul.healthState('any', { index, wait: options.wait, signal: s }),
        onData: (checks) => onHealth(checks, signal),
        onError: reportError,
        onRecover: reportSuccess,
        signal,
        rateLimit: options.healthRateLimit ?? HEALTH_RATE_LIMIT,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      }));
      track(runBlockingLoop({
        read: (index, s) => consul.catalogServices({ index, wait: options.wait, signal: s }),
        onData: (services) => onCatalog(services, signal),
        onError: reportError,
        onRecover: reportSuccess,
        signal,
        ...loopTuning,
      }));
    },
    async stop() {
      if (root === undefined) return;
      root.abort();
      root = undefined;
      const stopping = queue;
      queue = undefined;
      names = new Map();
      health = undefined;
      instances.clear();
      await Promise.all([...running, stopping?.idle()]);
    },
    list,
    status: () => current,
  };
}
