import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../log.js';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProvisioner } from './provisioner.js';
import { freePort } from '../../testing/support/free-port.js';

const RECORD_ARGV = 'require("node:fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")';

test('each joined node is provisioned once, in order, with an argv limited to it and no shell', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hjoin-prov-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const record = join(dir, 'argv.jsonl');
  const statuses: string[] = [];
  const provisioner = createProvisioner({
    command: [process.execPath, '-e', RECORD_ARGV, record],
    inventory: '/etc/hearth/inventory.yaml',
    playbook: '/etc/hearth/playbook.yaml',
    sshWaitMs: 0,
    log: createSilentLogger(),
    onStatus: (hostname, status) => statuses.push(`${hostname}:${status}`),
  });
  t.teardown(() => provisioner.stop());
  provisioner.enqueue('node-1');
  provisioner.enqueue('node-2; rm -rf /');
  await provisioner.idle();
  const runs = (await readFile(record, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as string[]);
  t.deepEqual(runs, [
    ['-i', '/etc/hearth/inventory.yaml', '--limit', 'node-1', '/etc/hearth/playbook.yaml'],
    ['-i', '/etc/hearth/inventory.yaml', '--limit', 'node-2; rm -rf /', '/etc/hearth/playbook.yaml'],
  ]);
  t.deepEqual(statuses, ['node-1:running', 'node-1:succeeded', 'node-2; rm -rf /:running', 'node-2; rm -rf /:succeeded']);
});

test('a provisioner that fails or cannot start is reported as failed', async (t) => {
  const statuses: string[] = [];
  const make = (command: string[]) =>
    createProvisioner({ command, inventory: 'i', playbook: 'p', sshWaitMs: 0, log: createSilentLogger(), onStatus: (h, s) => statuses.push(`${h}:${s}`) });
  const failing = make([process.execPath, '-e', 'process.exit(3)']);
  const missing = make(['/nonexistent/hearth-provisioner']);
  t.teardown(() => Promise.all([failing.stop(), missing.stop()]).then(() => undefined));
  failing.enqueue('a');
  missing.enqueue('b');
  await Promise.all([failing.idle(), missing.idle()]);
  t.deepEqual(statuses.sort(), ['a:failed', 'a:running', 'b:failed', 'b:running']);
});

test('a node that joined before its reboot is provisioned only once its ssh port answers', async (t) => {
  const port = await freePort();
  const statuses: string[] = [];
  const provisioner = createProvisioner({
    command: [process.execPath, '-e', '', '--'],
    inventory: 'i',
    playbook: 'p',
    sshWaitMs: 30_000,
    sshPort: port,
    sshPollMs: 100,
    log: createSilentLogger(),
    onStatus: (hostname, status) => statuses.push(`${hostname}:${status}`),
  });
  t.teardown(() => provisioner.stop());
  provisioner.enqueue('node-1', '127.0.0.1');
  await sleep(400);
  t.deepEqual(statuses, [], 'nothing runs while the node does not answer');
  const sshd = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => sshd.listen({ host: '127.0.0.1', port }, resolve));
  t.teardown(() => new Promise<void>((resolve) => sshd.close(() => resolve())));
  await provisioner.idle();
  t.deepEqual(statuses, ['node-1:running', 'node-1:succeeded']);
});

test('a node that never answers on ssh is reported as failed without running anything', async (t) => {
  const port = await freePort();
  const statuses: string[] = [];
  const provisioner = createProvisioner({
    command: ['/nonexistent/must-not-run'],
    inventory: 'i',
    playbook: 'p',
    sshWaitMs: 300,
    sshPort: port,
    sshPollMs: 100,
    log: createSilentLogger(),
    onStatus: (hostname, status) => statuses.push(`${hostname}:${status}`),
  });
  t.teardown(() => provisioner.stop());
  provisioner.enqueue('node-1', '127.0.0.1');
  await provisioner.idle();
  t.deepEqual(statuses, ['node-1:failed']);
});
