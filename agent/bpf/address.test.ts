import test from 'ava';
import { encodeAddress, formatAddress } from './address.js';
import { AF_INET, AF_INET6 } from './abi.js';

test('an IPv4 address fills the first four bytes and leaves the rest zero', (t) => {
  const enc = encodeAddress('127.0.0.2');
  t.is(enc?.family, AF_INET);
  t.deepEqual(Array.from(enc?.bytes ?? []), [127, 0, 0, 2, ...new Array<number>(12).fill(0)]);
});

test('IPv6 addresses round-trip to their compressed form', (t) => {
  for (const text of ['::1', 'fd00:213::1:2', '::', 'fe80::1:0:0:5', '2001:db8:1:2:3:4:5:6']) {
    const enc = encodeAddress(text);
    t.is(enc?.family, AF_INET6);
    t.is(formatAddress(AF_INET6, enc?.bytes ?? new Uint8Array(16)), text);
  }
});

test('an embedded IPv4 tail in an IPv6 address is encoded', (t) => {
  const enc = encodeAddress('::ffff:10.0.0.1');
  t.deepEqual(Array.from(enc?.bytes.subarray(10) ?? []), [0xff, 0xff, 10, 0, 0, 1]);
});

test('text that is not an IP address is rejected', (t) => {
  t.is(encodeAddress('localhost'), undefined);
  t.is(encodeAddress('300.1.1.1'), undefined);
});
