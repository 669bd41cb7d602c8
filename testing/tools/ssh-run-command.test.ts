// ssh.run_command against a real OpenSSH server on loopback.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../agent/config/schema.js';
import { isHearthError } from '../../agent/errors.js';
import { sshRunCommand, type SshDeps } from '../../agent/tools/ssh-run-command.js';
import type { SshHost } from '../../agent/tools/ssh/hosts.js';
import { readInventoryHosts } from '../../agent/tools/ssh/hosts.js';
import { sshdMissing, startSshd, type TestSshd } from '../support/sshd.js';
import { testContext } from '../support/tool-context.js';

const missing = sshdMissing();
const serial = missing === undefined ? test.serial : test.skip;
if (missing !== undefined) test.skip(`ssh tests skipped: ${missing}`, () => {});

let sshd: TestSshd;
test.before(async () => { if (missing === undefined) sshd = await startSshd(); });
test.after.always(async () => { await sshd?.stop(); });

function deps(knownHosts: string, extra: Record<string, unknown> = {}): SshDeps {
  const file = join(sshd.dir, `known_hosts-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, knownHosts + '\n');
  const config = configSchema().parse({ tools: { ssh: { knownHosts: file, privateKey: sshd.privateKeyPath, user: sshd.user, port: sshd.port, ...extra } } }).tools.ssh;
  const hosts = new Map<string, SshHost>([['node-1', { name: 'node-1', address: '127.0.0.1', port: sshd.port }]]);
  return { config, hosts: async () => hosts };
}

function call(args: unknown, d: SshDeps) {
  return sshRunCommand.run(sshRunCommand.input.parse(args), d, testContext());
}

serial('a command runs on an inventory host and its output and exit code come back', async (t) => {
  const result = await call({ host: 'node-1', argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }, deps(sshd.knownHostsLine));
  t.like(result.data, { exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  t.true(result.isError);
});

serial('shell syntax inside an argument reaches the program as literal text', async (t) => {
  const result = await call({ host: 'node-1', argv: ['printf', '%s', '; rm -rf / $(id) `id`'] }, deps(sshd.knownHostsLine));
  t.like(result.data, { exitCode: 0, stdout: '; rm -rf / $(id) `id`' });
});

serial('an unknown host key is refused with its fingerprint and nothing runs', async (t) => {
  const marker = join(sshd.dir, 'ran-unknown');
  const err = await t.throwsAsync(call({ host: 'node-1', argv: ['touch', marker] }, deps('')));
  t.true(isHearthError(err, 'HEARTH_ERR_UNAUTHORIZED'));
  t.regex(err?.message ?? '', /host key SHA256:\S+ is not in /);
  const { existsSync } = await import('node:fs');
  t.false(existsSync(marker));
});

serial('a changed host key is refused naming the expected fingerprint', async (t) => {
  const err = await t.throwsAsync(call({ host: 'node-1', argv: ['true'] }, deps(sshd.otherKnownHostsLine)));
  t.regex(err?.message ?? '', /does not match the key SHA256:\S+ listed in .* \(it changed\)/);
});

serial('a host outside the inventory is refused before any connection', async (t) => {
  for (const host of ['127.0.0.1', 'attacker.example']) {
    const err = await t.throwsAsync(call({ host, argv: ['true'] }, deps(sshd.knownHostsLine)));
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'));
    t.regex(err?.message ?? '', /known hosts: node-1/);
  }
  t.false(sshRunCommand.input.safeParse({ host: '../../etc/shadow', argv: ['true'] }).success);
  t.false(sshRunCommand.input.safeParse({ host: 'node-1', argv: ['; rm -rf /'] }).success);
});

serial('a command that outlives its timeout is stopped and says so', async (t) => {
  const started = Date.now();
  const result = await call({ host: 'node-1', argv: ['sleep', '30'], timeoutSeconds: 1 }, deps(sshd.knownHostsLine));
  t.like(result.data, { timedOut: true, exitCode: null });
  t.true(Date.now() - started < 15_000);
});

serial('output beyond the limit is cut with a note', async (t) => {
  const result = await call({ host: 'node-1', argv: ['head', '-c', '100000', '/dev/zero'] }, deps(sshd.knownHostsLine, { outputLimit: 1000 }));
  t.regex((result.data as { stdout: string }).stdout, /\[output cut: 99000 more characters\]$/);
});

serial('hosts are read from the inventory with their ansible_host and ansible_port', async (t) => {
  const file = join(sshd.dir, 'inventory.yaml');
  writeFileSync(file, `all:\n  vars:\n    ansible_user: ${sshd.user}\n  children:\n    worker_nodes:\n      hosts:\n        node-1:\n          ansible_host: 127.0.0.1\n          ansible_port: ${sshd.port}\n`);
  const hosts = await readInventoryHosts(file);
  t.deepEqual(hosts.get('node-1'), { name: 'node-1', address: '127.0.0.1', port: sshd.port, user: sshd.user });
  const d = deps(sshd.knownHostsLine);
  const result = await sshRunCommand.run({ host: 'node-1', argv: ['echo', 'hi'] }, { config: d.config, hosts: async () => hosts }, testContext());
  t.like(result.data, { exitCode: 0, stdout: 'hi\n' });
});
