// Whether a TCP socket on this host listens on ADDRESS:PORT (or the wildcard),
// read from /proc/net/tcp and tcp6. A woken service is reachable only once it
// listens; the agent cannot simply connect to find out, because while the hold
// is in place its own connection would be steered back to itself.
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';

const LISTEN = '0A';

export async function isPortListening(address: string, port: number): Promise<boolean> {
  const wanted = new Set(['00000000', '00000000000000000000000000000000', '0000000000000000FFFF000000000000']);
  if (isIPv4(address)) {
    const hex = ipv4Hex(address);
    wanted.add(hex);
    wanted.add(`0000000000000000FFFF0000${hex}`);
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state] = [fields[1], fields[3]];
      if (state !== LISTEN || local === undefined) continue;
      const [addr, portHex] = local.split(':');
      if (parseInt(portHex ?? '', 16) === port && wanted.has((addr ?? '').toUpperCase())) return true;
    }
  }
  return false;
}

/** /proc/net/tcp writes an IPv4 address as the 32-bit value in host (little-endian) byte order. */
function ipv4Hex(address: string): string {
  return address
    .split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0'))
    .reverse()
    .join('')
    .toUpperCase();
}
