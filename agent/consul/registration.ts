// Keeps one service registered with the local Consul agent for as long as the
// process runs. The loop holds a hash-based blocking read on
// /v1/agent/service/<id>: it returns when the definition changes or the service
// disappears (404), and a Consul restart drops the connection. On 404 the
// service is registered again; after an error the loop retries with a jittered
// backoff capped at 1 s (not the 30 s of discovery), so a Consul that comes back
// empty (a dev-mode restart) has the service again within about a second. The
// token bucket paces agents that answer at once instead of blocking.
import type { Logger } from '../log.js';
import { HearthError, isHearthError } from '../errors.js';
import { computeBackoffMs, sleep, type BackoffPolicy } from '../http/backoff.js';
import { isAbortError } from '../http/map-error.js';
import type { ConsulClient } from './client.js';
import { createRateLimiter, type RateLimitPolicy } from './index-rules.js';
import type { ServiceDefinition } from './types.js';

export interface SelfRegistrationOptions {
  readonly consul: Pick<ConsulClient, 'registerService' | 'deregisterService' | 'agentService'>;
  readonly service: ServiceDefinition;
  readonly log: Logger;
  /** Longest wait of one blocking read (default 30 s). */
  readonly wait?: string | number;
  readonly backoff?: BackoffPolicy;
  readonly rateLimit?: RateLimitPolicy;
  /** How long stop() waits for the deregistration (default 2 s). */
  readonly stopTimeoutMs?: number;
}

export interface SelfRegistration {
  /** Registers (a failure is logged, not thrown: the loop keeps trying) and starts the keep-alive loop. */
  start(): Promise<void>;
  /** Ends the loop and deregisters, best-effort within the stop timeout. */
  stop(): Promise<void>;
  /** True once Consul has accepted the registration and it has not been seen missing since. */
  registered(): boolean;
}

export const REGISTRATION_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 1000 };

export function createSelfRegistration(options: SelfRegistrationOptions): SelfRegistration {
  const log = options.log.child({ module: 'consul-registration' });
  const serviceId = options.service.id ?? options.service.name;
  const backoffPolicy = options.backoff ?? REGISTRATION_BACKOFF;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let isRegistered = false;
  let failures = 0;

  function noteError(err: unknown, what: string): number {
    failures += 1;
    if (failures === 1) log.warn({ err, serviceId }, what);
    return computeBackoffMs(failures - 1, backoffPolicy);
  }

  async function register(): Promise<boolean> {
    try {
      await options.consul.registerService(options.service, { replaceExistingChecks: true });
      if (failures > 0) log.info({ serviceId }, 'consul registration restored');
      else log.info({ serviceId }, 'registered with consul');
      isRegistered = true;
      failures = 0;
      return true;
    } catch (err) {
      isRegistered = false;
      if (!isAbortError(err)) noteError(err, 'consul registration failed; retrying');
      return false;
    }
  }

  async function keepRegistered(signal: AbortSignal): Promise<void> {
    const limiter = createRateLimiter(options.rateLimit);
    let hash: string | undefined;
    while (!signal.aborted) {
      await sleep(limiter.take(), signal);
      if (signal.aborted) return;
      if (!isRegistered) {
        if (!(await register())) await sleep(computeBackoffMs(failures - 1, backoffPolicy), signal);
        hash = undefined;
        continue;
      }
      try {
        const res = await options.consul.agentService(serviceId, {
          wait: options.wait ?? '30s',
          signal,
          ...(hash === undefined ? {} : { hash }),
        });
        hash = res.hash;
        failures = 0;
      } catch (err) {
        if (signal.aborted || isAbortError(err)) return;
        if (isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) {
          log.warn({ serviceId }, 'consul lost the registration; registering again');
          isRegistered = false;
          continue;
        }
        await sleep(noteError(err, 'consul unreachable; keeping the registration when it returns'), signal);
        // Consul may come back empty: check again rather than trust the old hash.
        hash = undefined;
      }
    }
  }

  return {
    async start() {
      if (controller !== undefined) return;
      const current = new AbortController();
      controller = current;
      await register();
      if (current.signal.aborted) return;
      loop = keepRegistered(current.signal);
    },
    async stop() {
      if (controller === undefined) return;
      controller.abort();
      controller = undefined;
      await loop;
      loop = undefined;
      const timeoutMs = options.stopTimeoutMs ?? 2000;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          options.consul.deregisterService(serviceId),
          new Promise((_resolve, reject) => {
            timer = setTimeout(() => reject(new HearthError('HEARTH_ERR_TIMEOUT', `Consul did not answer the deregistration of ${serviceId} within ${timeoutMs} ms`, { details: { serviceId, timeoutMs } })), timeoutMs);
          }),
        ]);
        log.info({ serviceId }, 'deregistered from consul');
      } catch (err) {
        log.warn({ err, serviceId }, 'consul deregistration failed');
      } finally {
        clearTimeout(timer);
        isRegistered = false;
      }
    },
    registered: () => isRegistered,
  };
}
