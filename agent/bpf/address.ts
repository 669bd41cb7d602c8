// IP addresses as the 16-byte arrays of the BPF maps: IPv4 in the first 4
// bytes (rest zero), IPv6 in all 16; the all-zero address means "any".
import { isIPv4, isIPv6 } from 'node:net';
import { AF_INET, AF_INET6 } from './abi.js';

export interface EncodedAddress {
  family: number;
  bytes: Uint8Array;
}

/** Encodes a literal IPv4/IPv6 address; undefined when `text` is not one. */
export function encodeAddress(text: string): EncodedAddress | undefined {
  const bytes = new Uint8Array(16);
  if (isIPv4(text)) {
    text.split('.').forEach((part, i) => {
      bytes[i] = Number(part);
    });
    return { family: AF_INET, bytes };
  }
  if (!isIPv6(text)) return undefined;
  const [head = '', tail] = text.split('::');
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (isIPv4(group)) {
        const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(parseInt(group, 16));
      }
    }
    return out;
  };
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return { family: AF_INET6, bytes };
}

/** Formats map bytes back to text: dotted quad, or RFC 5952 compressed IPv6. */
export function formatAddress(family: number, bytes: Uint8Array): string {
  if (family === AF_INET) return Array.from(bytes.subarray(0, 4)).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
