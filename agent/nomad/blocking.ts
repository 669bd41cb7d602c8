// Nomad blocking queries: `?index=&wait=` in the query string (the OpenAPI spec
// wrongly declares index as a header), and the X-Nomad-* meta headers.
import { invalidInput } from '../errors.js';
import { readHeader, type ResponseHeaders } from '../http/request.js';
import { parseDuration } from '../util/duration.js';
import type { QueryMeta } from './types.js';

export interface BlockingOptions {
  /** Block until the result's index is greater than this. */
  readonly index?: number;
  /** Longest wait: a Go duration ("30s", "5m") or milliseconds. */
  readonly wait?: string | number;
}

/** Nomad's own default and cap for a blocking query. */
export const NOMAD_MAX_WAIT_MS = 300_000;

export interface BlockingParams {
  readonly query: { index?: number; wait?: string };
  /** How long the HTTP request must be allowed to run, beyond the usual timeout. */
  readonly waitMs: number;
}

/** Query parameters for a blocking GET, and the wait the HTTP timeout has to cover (wait + wait/16 of jitter). */
export function toBlockingParams(options: BlockingOptions): BlockingParams {
  const waitMs = options.wait === undefined ? undefined : waitToMs(options.wait);
  const index = options.index;
  if (index !== undefined && (!Number.isInteger(index) || index < 0)) {
    throw invalidInput('index', 'a non-negative integer', index, 'the caller');
  }
  const blocking = index !== undefined && index > 0;
  const query: { index?: number; wait?: string } = {};
  if (blocking) query.index = index;
  if (waitMs !== undefined) query.wait = `${waitMs}ms`;
  const effectiveWait = blocking ? Math.min(waitMs ?? NOMAD_MAX_WAIT_MS, NOMAD_MAX_WAIT_MS) : 0;
  return { query, waitMs: effectiveWait + Math.ceil(effectiveWait / 16) };
}

function waitToMs(wait: string | number): number {
  const ms = typeof wait === 'number' ? wait : parseDuration(wait);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw invalidInput('wait', 'a Go duration such as "30s" or a number of milliseconds', wait, 'the caller');
  }
  return Math.round(ms);
}

/** Reads X-Nomad-Index, X-Nomad-LastContact, X-Nomad-KnownLeader and X-Nomad-NextToken; bad values read as 0/false. */
export function parseQueryMeta(headers: ResponseHeaders): QueryMeta {
  const meta: QueryMeta = {
    lastIndex: toCount(readHeader(headers, 'x-nomad-index')),
    lastContactMs: toCount(readHeader(headers, 'x-nomad-lastcontact')),
    knownLeader: readHeader(headers, 'x-nomad-knownleader') === 'true',
  };
  const nextToken = readHeader(headers, 'x-nomad-nexttoken');
  if (nextToken !== undefined && nextToken !== '') meta.nextToken = nextToken;
  return meta;
}

function toCount(text: string | undefined): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value >= 0 ? value : 0;
}
