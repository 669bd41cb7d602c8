// The rules for the values a join names: a node's MAC address, its hostname
// and a token's lifetime. Each check returns the normalised value or throws an
// "expected X, got Y" error saying where the value came from.
import { invalidInput } from '../errors.js';
import { parseDuration } from '../util/duration.js';

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
/** One DNS label (RFC 1123): what a Debian hostname and an Ansible inventory name can both be. */
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TOKEN = /^[0-9a-f]{64}$/;

export const MIN_TOKEN_TTL_MS = 60_000;
export const MAX_TOKEN_TTL_MS = 7 * 86_400_000;

/** A MAC in colon or hyphen form, returned lower-case with colons: 52:54:00:12:34:56. */
export function parseMac(value: unknown, source: string): string {
  if (typeof value !== 'string' || !MAC.test(value)) {
    throw invalidInput('mac', 'a MAC address such as 52:54:00:12:34:56', value, source);
  }
  return value.toLowerCase().replaceAll('-', ':');
}

export function parseHostname(value: unknown, source: string): string {
  if (typeof value !== 'string' || !HOSTNAME.test(value)) {
    throw invalidInput('hostname', 'a lower-case hostname of letters, digits and inner "-" (at most 63)', value, source);
  }
  return value;
}

/** A Go-style duration between one minute and seven days, in milliseconds. */
export function parseTtl(value: unknown, source: string): number {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms < MIN_TOKEN_TTL_MS || ms > MAX_TOKEN_TTL_MS) {
    throw invalidInput('ttl', 'a duration from "1m" to "168h" such as "2h"', value, source);
  }
  return ms;
}

/** The shape of a join token (64 hex digits), checked before any lookup. */
export function parseToken(value: unknown, name: string, source: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw invalidInput(name, 'a token of 64 hexadecimal digits', typeof value === 'string' ? '(a malformed token)' : value, source);
  }
  return value;
}

/** The MAC as iPXE's ${net0/mac:hexhyp} writes it: 52-54-00-12-34-56. */
export function macToHexhyp(mac: string): string {
  return mac.replaceAll(':', '-');
}
