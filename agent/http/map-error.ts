// Turns transport failures and error statuses into hearth errors. Messages name
// the address and where it came from; they never carry request headers, so a
// token cannot leak into them.
import { HearthError, HttpApiError } from '../errors.js';

export type ApiService = 'nomad' | 'consul';

const DISPLAY_NAME: Readonly<Record<ApiService, string>> = { nomad: 'Nomad', consul: 'Consul' };

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True when `err` says the server could not be reached (refused, unknown host, reset, TLS handshake). */
export function isConnectionFailure(err: unknown): boolean {
  for (let current: unknown = err, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
      return true;
    }
    if (/socket hang up|ssl|tls/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** Describes the innermost cause: "connect ECONNREFUSED 127.0.0.1:4646". */
function describeCause(err: unknown): string {
  let current: unknown = err;
  let text = err instanceof Error ? err.message : String(err);
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    if (current.message !== '') text = current.message;
    current = current.cause;
  }
  return text;
}

export interface Endpoint {
  readonly service: ApiService;
  readonly addr: string;
  readonly addrSource: string;
}

export function unreachableError(endpoint: Endpoint, err: unknown): HearthError {
  const name = DISPLAY_NAME[endpoint.service];
  return new HearthError(
    'HEARTH_ERR_UNREACHABLE',
    `cannot reach ${name} at ${endpoint.addr} (set by ${endpoint.addrSource}): ${describeCause(err)}`,
    { cause: err, details: { service: endpoint.service, addr: endpoint.addr, addrSource: endpoint.addrSource } },
  );
}

export function timeoutError(endpoint: Endpoint, method: string, path: string, timeoutMs: number): HearthError {
  return new HearthError(
    'HEARTH_ERR_TIMEOUT',
    `${DISPLAY_NAME[endpoint.service]} at ${endpoint.addr} did not answer ${method} ${path} within ${timeoutMs} ms`,
    { details: { service: endpoint.service, addr: endpoint.addr, method, path, timeoutMs } },
  );
}

/** 403 -> ACL denied, 404 -> not found, anything else -> the service's HTTP error code; the body is kept verbatim. */
export function statusError(service: ApiService, init: { status: number; body: string; method: string; url: string }): HttpApiError {
  const code =
    init.status === 403
      ? 'HEARTH_ERR_ACL_DENIED'
      : init.status === 404
        ? 'HEARTH_ERR_NOT_FOUND'
        : service === 'nomad'
          ? 'HEARTH_ERR_NOMAD_HTTP'
          : 'HEARTH_ERR_CONSUL_HTTP';
  return new HttpApiError(code, { service, ...init });
}

/** True when the error is the caller's own abort, which loops treat as "stop", not as a failure. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}
