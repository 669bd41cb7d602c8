// Errors thrown by the `consul` npm package (papi underneath) mapped to hearth's:
// a ResponseError keeps Consul's status and full plain-text body (the package
// cuts messages over 80 characters, so the body is read from the response).
import { HearthError } from '../errors.js';
import { isConnectionFailure, statusError, timeoutError, unreachableError, type Endpoint } from '../http/map-error.js';

interface PackageResponse {
  statusCode?: number;
  body?: unknown;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body === undefined || body === null) return '';
  return JSON.stringify(body);
}

export function mapPackageError(endpoint: Endpoint, err: unknown, method: string, path: string): unknown {
  if (err instanceof HearthError) return err;
  const response = (err as { response?: PackageResponse } | null)?.response;
  if (err instanceof Error && (err as { isResponse?: boolean }).isResponse === true && response?.statusCode !== undefined) {
    return statusError('consul', { status: response.statusCode, body: bodyText(response.body), method, url: `${endpoint.addr}${path}` });
  }
  if (err instanceof Error && /request timed out \((\d+)ms\)/.test(err.message)) {
    return timeoutError(endpoint, method, path, Number(/\((\d+)ms\)/.exec(err.message)?.[1] ?? 0));
  }
  if (isConnectionFailure(err)) return unreachableError(endpoint, err);
  return err;
}
