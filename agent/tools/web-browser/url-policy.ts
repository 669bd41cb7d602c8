// Which URLs the browser may load. Only http and https; the host's addresses
// (an IP literal, or every address its name resolves to) must not be
// loopback, private, link-local, unique-local, CGNAT, multicast or
// unspecified unless an allow rule names the host or a range holding it;
// deny rules refuse whatever they match. Every request a page makes passes
// here, not only the URL the model asked for.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface UrlRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export type UrlVerdict = { readonly ok: true; readonly host: string } | { readonly ok: false; readonly reason: string };

export type Resolve = (host: string) => Promise<readonly string[]>;

const defaultResolve: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

function internalRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
}

const INTERNAL = internalRanges();

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function isInternal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

function ruleMatches(rule: string, host: string, addresses: readonly string[]): boolean {
  const [base, prefix] = rule.split('/');
  if (base !== undefined && isIP(base) !== 0) {
    const family = isIP(base) === 4 ? 'ipv4' : 'ipv6';
    const list = new BlockList();
    list.addSubnet(base, Number(prefix ?? (family === 'ipv4' ? 32 : 128)), family);
    return addresses.some((a) => list.check(a, isIP(a) === 4 ? 'ipv4' : 'ipv6'));
  }
  const name = host.toLowerCase();
  const pattern = rule.toLowerCase();
  return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern;
}

export function createUrlPolicy(rules: UrlRules, resolve: Resolve = defaultResolve): (url: string) => Promise<UrlVerdict> {
  return async (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, reason: `${JSON.stringify(raw.slice(0, 200))} is not a URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http and https URLs may be opened, got ${url.protocol}` };
    if (url.username !== '' || url.password !== '') return { ok: false, reason: 'URLs carrying credentials are refused' };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: readonly string[];
    try {
      addresses = isIP(host) !== 0 ? [host] : await resolve(host);
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
    if (rules.deny.some((rule) => ruleMatches(rule, host, addresses))) return { ok: false, reason: `${host} is denied by tools.browser.deny` };
    if (rules.allow.some((rule) => ruleMatches(rule, host, addresses))) return { ok: true, host };
    const internal = addresses.find(isInternal);
    if (internal !== undefined) return { ok: false, reason: `${host} is ${internal}, a private, loopback or link-local address (allow it in tools.browser.allow)` };
    return { ok: true, host };
  };
}
