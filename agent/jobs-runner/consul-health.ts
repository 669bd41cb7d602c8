// How many instances of a service pass their checks, from Consul's
// /v1/health/service/:name (all checks of an instance must pass).
import { HearthError, HttpApiError } from '../errors.js';
import type { HealthPort } from './ports.js';

export interface ConsulHealthOptions {
  readonly addr: string;
  readonly source: string;
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
}

interface HealthEntry {
  readonly Checks: ReadonlyArray<{ readonly Status: string }>;
}

export function createConsulHealthPort(options: ConsulHealthOptions): HealthPort {
  const base = options.addr.endsWith('/') ? options.addr.slice(0, -1) : options.addr;
  return {
    async serviceHealth(name) {
      const url = `${base}/v1/health/service/${encodeURIComponent(name)}`;
      let response: Response;
      try {
        response = await fetch(url, { headers: options.token === undefined ? {} : { 'x-consul-token': options.token }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      } catch (err) {
        throw new HearthError('HEARTH_ERR_UNREACHABLE', `cannot reach Consul at ${options.addr} (set by ${options.source}): ${(err as Error).message}`, {
          cause: err,
          details: { service: 'consul', addr: options.addr, addrSource: options.source },
        });
      }
      const text = await response.text();
      if (!response.ok) {
        const code = response.status === 403 ? 'HEARTH_ERR_ACL_DENIED' : 'HEARTH_ERR_CONSUL_HTTP';
        throw new HttpApiError(code, { service: 'consul', status: response.status, body: text, method: 'GET', url });
      }
      const entries = JSON.parse(text) as HealthEntry[];
      return { name, passing: entries.filter((e) => e.Checks.every((c) => c.Status === 'passing')).length, total: entries.length };
    },
  };
}
