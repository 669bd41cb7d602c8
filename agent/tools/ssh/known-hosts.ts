// Reads an OpenSSH known_hosts file and judges a server's host key against
// it: 'known' (the key is listed for this host), 'changed' (the host is
// listed with other keys) or 'unknown'. Hashed entries (|1|salt|hash) and
// [host]:port names are understood; @revoked lines always refuse.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  readonly patterns: readonly string[];
  readonly keyType: string;
  readonly key: Buffer;
  readonly revoked: boolean;
}

export type HostKeyVerdict =
  | { readonly kind: 'known' }
  | { readonly kind: 'unknown'; readonly fingerprint: string }
  | { readonly kind: 'changed'; readonly fingerprint: string; readonly expected: readonly string[] }
  | { readonly kind: 'revoked'; readonly fingerprint: string };

/** OpenSSH's SHA256 fingerprint: `SHA256:` and the unpadded base64 of the key blob's digest. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@revoked') revoked = true;
      else continue; // @cert-authority: certificates are not used here.
    }
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) continue;
    entries.push({ patterns: hosts.split(','), keyType, key: Buffer.from(key, 'base64'), revoked });
  }
  return entries;
}

/** The name a host is listed under: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function matches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return pattern === name;
}

export function checkHostKey(entries: readonly KnownHostEntry[], names: readonly string[], key: Buffer): HostKeyVerdict {
  const print = fingerprint(key);
  const forHost = entries.filter((e) => e.patterns.some((p) => names.some((n) => matches(p, n))));
  if (forHost.some((e) => e.revoked && e.key.equals(key))) return { kind: 'revoked', fingerprint: print };
  if (forHost.some((e) => !e.revoked && e.key.equals(key))) return { kind: 'known' };
  const listed = forHost.filter((e) => !e.revoked);
  if (listed.length > 0) return { kind: 'changed', fingerprint: print, expected: listed.map((e) => fingerprint(e.key)) };
  return { kind: 'unknown', fingerprint: print };
}
