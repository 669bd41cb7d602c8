import test from 'ava';
import { createHmac } from 'node:crypto';
import { checkHostKey, fingerprint, knownHostsName, parseKnownHosts } from './known-hosts.js';

const keyA = Buffer.from('key-a-blob');
const keyB = Buffer.from('key-b-blob');

test('a listed key is known, another key for the same host has changed, an unlisted host is unknown', (t) => {
  const entries = parseKnownHosts(`# comment\n[10.0.0.7]:2222,node-7 ssh-ed25519 ${keyA.toString('base64')}\n`);
  t.deepEqual(checkHostKey(entries, [knownHostsName('10.0.0.7', 2222)], keyA), { kind: 'known' });
  t.deepEqual(checkHostKey(entries, ['node-7'], keyB), { kind: 'changed', fingerprint: fingerprint(keyB), expected: [fingerprint(keyA)] });
  t.deepEqual(checkHostKey(entries, ['10.0.0.8'], keyA), { kind: 'unknown', fingerprint: fingerprint(keyA) });
});

test('hashed host names match and @revoked keys are refused', (t) => {
  const salt = Buffer.from('0123456789abcdef0123');
  const hash = createHmac('sha1', salt).update('node-7').digest('base64');
  const entries = parseKnownHosts(`|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${keyA.toString('base64')}\n@revoked node-7 ssh-ed25519 ${keyB.toString('base64')}\n`);
  t.is(checkHostKey(entries, ['node-7'], keyA).kind, 'known');
  t.is(checkHostKey(entries, ['node-7'], keyB).kind, 'revoked');
});

test('fingerprints are written as OpenSSH does', (t) => {
  t.regex(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]{43}$/);
});
