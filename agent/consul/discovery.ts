// Watches Consul for services whose names start with a prefix: one blocking
// query on /v1/catalog/services learns the names, and one blocking query on
// /v1/health/service/<name> per name (started and stopped as names come and go)
// keeps their instances and health current. No polling: a change reaches
// list() as soon as Consul answers the blocking query.
import type { Logger } from '../log.js';
import { isHearthError } from '../errors.js';
import type { BackoffPolicy } from '../http/backoff.js';
import { runBlockingLoop } from './blocking-loop.js';
import type { ConsulClient } from './client.js';
import type { RateLimitPolicy } from './index-rules.js';
import type { CheckStatus, HealthServiceEntry } from './types.js';

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
  readonly consul: Pick<ConsulClient, 'catalogServices' | 'healthService'>;
  /** Only names starting with this are watched, e.g. "prima-api-". */
  readonly prefix: string;
  /** Longest wait of one blocking query: Go duration or ms. */
  readonly wait: string | number;
  readonly log: Logger;
  /** Called with the new list after every change. */
  readonly onChange?: (services: DiscoveredService[]) => void;
  /** "passing" (default): list() holds passing instances only; "all": every instance with its health. */
  readonly include?: 'passing' | 'all';
  readonly rateLimit?: RateLimitPolicy;
  readonly backoff?: BackoffPolicy;
}

export interface ServiceWatcher {
  start(): void;
  /** Aborts every in-flight query; resolves once every loop has ended. */
  stop(): Promise<void>;
  list(): DiscoveredService[];
  status(): WatcherStatus;
}

const SEVERITY: Readonly<Record<CheckStatus, number>> = { passing: 0, warning: 1, critical: 2 };

export function toDiscoveredService(entry: HealthServiceEntry): DiscoveredService {
  let health: CheckStatus = 'passing';
  for (const check of entry.Checks ?? []) {
    const status = SEVERITY[check.Status] === undefined ? 'critical' : check.Status;
    if (SEVERITY[status] > SEVERITY[health]) health = status;
  }
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

interface NameWatch {
  readonly controller: AbortController;
}

export function createServiceWatcher(options: ServiceWatcherOptions): ServiceWatcher {
  const log = options.log.child({ module: 'consul-discovery' });
  const include = options.include ?? 'passing';
  const instances = new Map<string, DiscoveredService[]>();
  const watches = new Map<string, NameWatch>();
  // Every loop still running, including those of names already removed: stop() waits for all.
  const running = new Set<Promise<void>>();
  let root: AbortController | undefined;
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

  // One log line per streak: only a change of state is logged, however many loops fail.
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

  function watchName(name: string, signal: AbortSignal): NameWatch {
    const controller = new AbortController();
    const loopSignal = AbortSignal.any([signal, controller.signal]);
    const done = runBlockingLoop({
      read: (index, s) => options.consul.healthService(name, { index, wait: options.wait, signal: s }),
      onData: (entries) => {
        reportSuccess();
        if (loopSignal.aborted) return;
        instances.set(name, entries.map(toDiscoveredService));
        notify();
      },
      onError: reportError,
      onRecover: reportSuccess,
      signal: loopSignal,
      ...loopTuning,
    });
    track(done);
    return { controller };
  }

  function updateNames(names: string[], signal: AbortSignal): void {
    const wanted = new Set(names.filter((n) => n.startsWith(options.prefix)));
    let removed = false;
    for (const [name, watch] of watches) {
      if (wanted.has(name)) continue;
      watch.controller.abort();
      watches.delete(name);
      removed = instances.delete(name) || removed;
    }
    for (const name of wanted) {
      if (!watches.has(name)) watches.set(name, watchName(name, signal));
    }
    if (removed) notify();
  }

  return {
    start() {
      if (root !== undefined) return;
      const controller = new AbortController();
      root = controller;
      const catalogDone = runBlockingLoop({
        read: (index, s) => options.consul.catalogServices({ index, wait: options.wait, signal: s }),
        onData: (services) => {
          reportSuccess();
          if (!controller.signal.aborted) updateNames(Object.keys(services), controller.signal);
        },
        onError: reportError,
        onRecover: reportSuccess,
        signal: controller.signal,
        ...loopTuning,
      });
      track(catalogDone);
    },
    async stop() {
      if (root === undefined) return;
      root.abort();
      root = undefined;
      watches.clear();
      instances.clear();
      await Promise.all([...running]);
    },
    list,
    status: () => current,
  };
}
