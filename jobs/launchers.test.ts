import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLauncher } from './launchers.js';
import { missingCommand, testUnless } from '../testing/support/skip.js';

/** Runs a launcher with env, its binary replaced by a script printing one argument per line. */
function runLauncher(t: { teardown: (fn: () => void) => void }, name: 'llama-server' | 'rpc-server', env: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-launcher-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'launch.sh');
  const bin = join(dir, 'print-args');
  writeFileSync(script, readLauncher(name));
  writeFileSync(bin, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(bin, 0o755);
  const out = execFileSync('/bin/sh', [script], { env: { PATH: '/usr/bin:/bin', LLAMA_SERVER_BIN: bin, RPC_SERVER_BIN: bin, ...env } }).toString();
  return out.split('\n').slice(0, -1);
}

const SERVER_ENV = { LLAMA_MODEL: '/srv/m.gguf', NOMAD_IP_http: '127.0.0.2', NOMAD_PORT_http: '8080', LLAMA_CTX_SIZE: '4096' };

test('launchers contain no template actions, so Nomad renders them verbatim', (t) => {
  for (const name of ['llama-server', 'rpc-server'] as const) {
    t.false(readLauncher(name).includes('{{'), name);
    t.false(readLauncher(name).includes('}}'), name);
  }
});

test('llama-server gets no --rpc when no worker is healthy', (t) => {
  t.deepEqual(runLauncher(t, 'llama-server', { ...SERVER_ENV, RPC_WORKERS: '' }), ['--model', '/srv/m.gguf', '--host', '127.0.0.2', '--port', '8080', '--ctx-size', '4096']);
});

test('llama-server gets --rpc with the rendered workers, trailing comma removed', (t) => {
  const args = runLauncher(t, 'llama-server', { ...SERVER_ENV, RPC_WORKERS: '127.0.0.3:50052,127.0.0.4:50052,' });
  t.deepEqual(args.slice(-2), ['--rpc', '127.0.0.3:50052,127.0.0.4:50052']);
});

test('environment values are passed as single arguments, never re-read by the shell', (t) => {
  const args = runLauncher(t, 'llama-server', { ...SERVER_ENV, LLAMA_MODEL: '/srv/a b;touch /tmp/x $(id)', RPC_WORKERS: '' });
  t.is(args[1], '/srv/a b;touch /tmp/x $(id)');
  t.is(args.length, 8);
});

test('rpc-server listens on the node address and static port, with -c only when the cache is on', (t) => {
  const env = { NOMAD_IP_rpc: '127.0.0.3', NOMAD_PORT_rpc: '50052' };
  t.deepEqual(runLauncher(t, 'rpc-server', { ...env, RPC_CACHE: 'false' }), ['-H', '127.0.0.3', '-p', '50052']);
  t.deepEqual(runLauncher(t, 'rpc-server', { ...env, RPC_CACHE: 'true' }), ['-H', '127.0.0.3', '-p', '50052', '-c']);
});

testUnless(missingCommand('shellcheck'))('launchers pass shellcheck', (t) => {
  for (const name of ['llama-server', 'rpc-server'] as const) {
    t.notThrows(() => execFileSync('shellcheck', ['-s', 'sh', '-'], { input: readLauncher(name) }), name);
  }
});
