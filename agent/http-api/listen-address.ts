// Parses the `api.listen` value (HOST:PORT, [v6]:PORT) into what net.Server.listen takes.
import { invalidInput } from '../errors.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function parseListenAddress(value: string, source = 'api.listen'): ListenAddress {
  const colon = value.lastIndexOf(':');
  const rawHost = colon > 0 ? value.slice(0, colon) : '';
  const rawPort = value.slice(colon + 1);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  const port = Number(rawPort);
  if (host === '' || !/^\d{1,5}$/.test(rawPort) || port > 65535) {
    throw invalidInput('api.listen', 'HOST:PORT such as 127.0.0.1:8000', value, source);
  }
  return { host, port };
}

/** The host a client on this machine reaches a listener at: a wildcard host is reached on loopback. */
export function reachableHost(address: ListenAddress): string {
  return address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
}

export function formatReachableUrl(address: ListenAddress): string {
  const host = reachableHost(address);
  return host.includes(':') ? `http://[${host}]:${address.port}` : `http://${host}:${address.port}`;
}
