// The real thing, in qemu: a diskless machine network-boots through the boot
// tree the pxe_server role rendered, served by nginx with the role's site and
// by the join agent; it downloads the installer, Linux starts, the installer
// fetches its preseed and trades its join token. The token is accepted once,
// and a replay of the same call is refused.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startJoinAgent, type JoinAgent, type Teardown } from './join-agent.js';
import { renderTree, type RenderedTree } from './render-tree.js';
import { freePort } from '../support/free-port.js';
import { startNginx, type AccessLogEntry } from './nginx.js';
import { startQemu, type RunningQemu } from './qemu.js';

const run = promisify(execFile);

const MAC = '52:54:00:4e:a7:01';
const HEXHYP = MAC.replaceAll(':', '-');
const HOST = 'pxe-node-1';
/** The installer's start-up under emulation varies from 1.5 to 4 minutes. */
const DEADLINE_MS = 6 * 60_000;
/** What the kernel needs under qemu's user-mode network: a serial console, a plain terminal, no DNS, no default route. */
const KERNEL_EXTRA = 'console=ttyS0,115200n8 DEBIAN_FRONTEND=text TERM=dumb netcfg/get_nameservers= netcfg/no_default_route=true';

type Stage = 'boot script' | 'host script' | 'install check' | 'kernel' | 'initrd' | 'Linux' | 'preseed' | 'callback';
const STAGES: readonly Stage[] = ['boot script', 'host script', 'install check', 'kernel', 'initrd', 'Linux', 'preseed', 'callback'];

function served(log: readonly AccessLogEntry[], path: string): AccessLogEntry | undefined {
  return log.find((entry) => entry.path === path && entry.status === 200);
}

test.serial('a diskless machine network-boots the installer, which trades its join token once; a replay is refused', async (t) => {
  t.timeout(DEADLINE_MS + 120_000);
  const teardown: Teardown = (cleanup) => t.teardown(cleanup);
  const agent = await startJoinAgent(teardown, ['true']);
  const httpPort = await freePort();
  const tree = await renderTree(teardown, {
    pxe_server_http_listen: `127.0.0.1:${httpPort}`,
    pxe_server_http_url: `http://10.0.2.2:${httpPort}`,
    pxe_server_agent_url: `http://10.0.2.2:${agent.port}`,
    pxe_server_agent_api_url: agent.url,
    pxe_server_agent_api_token: agent.apiToken,
    pxe_server_hosts: [{ hostname: HOST, mac: MAC }],
    pxe_server_kernel_extra_args: KERNEL_EXTRA,
  });
  const nginx = await startNginx(teardown, tree);
  t.true(agent.module.service().mayInstall(MAC), 'the role asked the agent for a join token');

  const installerDir = await findInstallerDir(tree.httpRoot);
  const kernelPath = `${installerDir}/linux`;
  const initrdPath = `${installerDir}/initrd.gz`;
  const kernelSize = (await stat(join(tree.httpRoot, kernelPath))).size;
  const initrdSize = (await stat(join(tree.httpRoot, initrdPath))).size;

  const started = Date.now();
  const seen = new Map<Stage, number>();
  const qemu = startQemu(teardown, { network: { kind: 'user', tftpRoot: tree.tftpRoot, bootfile: 'hearth.ipxe' }, mac: MAC, serialLog: join(tree.dir, 'serial.log') });
  const callback = agent.waitForCall((call) => call.method === 'POST' && call.path === '/api/v1/join');

  let accepted: Awaited<typeof callback> | undefined;
  void callback.then((call) => {
    accepted = call;
  });
  while (accepted === undefined && Date.now() - started < DEADLINE_MS) {
    const log = await nginx.readAccessLog();
    const serial = await qemu.readSerial();
    const mark = (stage: Stage, reached: boolean) => {
      if (reached && !seen.has(stage)) seen.set(stage, Date.now() - started);
    };
    mark('boot script', served(log, '/boot.ipxe') !== undefined);
    mark('host script', served(log, `/hosts/${HEXHYP}.ipxe`) !== undefined);
    mark('install check', agent.calls.some((c) => c.path === `/api/v1/join/install/${HEXHYP}` && c.status === 200));
    mark('kernel', served(log, kernelPath)?.bytes === kernelSize);
    mark('initrd', served(log, initrdPath)?.bytes === initrdSize);
    mark('Linux', /Linux version \d+\.\d+/.test(serial));
    mark('preseed', served(log, `/preseed/${HEXHYP}.cfg`) !== undefined);
    if (qemu.hasExited()) break;
    await sleep(500);
  }
  if (accepted !== undefined) seen.set('callback', accepted.at - started);
  await qemu.stop();

  const timings = STAGES.map((stage) => `${stage}: ${seen.has(stage) ? `${((seen.get(stage) ?? 0) / 1000).toFixed(1)}s` : 'not reached'}`).join(', ');
  t.log(`stage timings after qemu start: ${timings}`);
  const serial = await qemu.readSerial();
  if (accepted === undefined) t.log(`serial console (last 3000 characters):\n${serial.slice(-3000)}`);

  const log = await nginx.readAccessLog();
  t.is(served(log, kernelPath)?.bytes, kernelSize, 'the installer kernel was served whole');
  t.is(served(log, initrdPath)?.bytes, initrdSize, 'the installer initrd was served whole');
  t.regex(serial, /Linux version \d+\.\d+\.\d+/, 'Linux started on the serial console');
  t.truthy(served(log, `/preseed/${HEXHYP}.cfg`), 'the installer fetched its preseed');
  t.deepEqual(STAGES.filter((stage) => !seen.has(stage)), [], 'every stage was reached');
  if (accepted === undefined) return;

  t.is(accepted.status, 200, 'the join token was accepted');
  t.like(accepted.body as object, { hostname: HOST, mac: MAC });
  t.false(agent.module.service().mayInstall(MAC), 'once the token is traded the host script boots the local disk');
  t.like(agent.module.service().listNodes(), [{ hostname: HOST, mac: MAC, status: 'installing' }]);

  const replay = await fetch(`${agent.url}/api/v1/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(accepted.body),
  });
  t.is(replay.status, 401, 'a replay of the accepted call is refused');
  t.like(await replay.json(), { error: { code: 'HEARTH_ERR_JOIN' } });
  t.is(agent.calls.filter((c) => c.path === '/api/v1/join' && c.status === 200).length, 1, 'the token was accepted exactly once');

  // The end of the install: the preseed's late_command presents the enrolment key the guest received.
  await runCompletionLikeTheInstaller(tree, agent, accepted.response);
  t.like(agent.module.service().listNodes(), [{ hostname: HOST, status: 'joined' }]);
  t.like(parse(await readFile(agent.inventory, 'utf8')).all.children.worker_nodes.hosts[HOST], { hearth_mac: MAC });

  // The next network boot of the same machine goes to its local disk and fetches no installer.
  const kernelFetches = (await nginx.readAccessLog()).filter((entry) => entry.path === kernelPath).length;
  const again = startQemu(teardown, { network: { kind: 'user', tftpRoot: tree.tftpRoot, bootfile: 'hearth.ipxe' }, mac: MAC, serialLog: join(tree.dir, 'serial-2.log') });
  const second = await waitForSerial(again, new RegExp(`hearth: booting the local disk of ${HOST}`), 120_000);
  await again.stop();
  t.regex(second, new RegExp(`hearth: booting the local disk of ${HOST}`));
  t.is((await nginx.readAccessLog()).filter((entry) => entry.path === kernelPath).length, kernelFetches);
});

test.serial('a machine that is not in the inventory gets the menu and, untouched, boots its local disk', async (t) => {
  t.timeout(240_000);
  const teardown: Teardown = (cleanup) => t.teardown(cleanup);
  const agent = await startJoinAgent(teardown, ['true']);
  const httpPort = await freePort();
  const tree = await renderTree(teardown, {
    pxe_server_http_listen: `127.0.0.1:${httpPort}`,
    pxe_server_http_url: `http://10.0.2.2:${httpPort}`,
    pxe_server_agent_url: `http://10.0.2.2:${agent.port}`,
    pxe_server_agent_api_url: agent.url,
    pxe_server_agent_api_token: agent.apiToken,
    pxe_server_hosts: [{ hostname: HOST, mac: MAC }],
  });
  const nginx = await startNginx(teardown, tree);
  const stranger = '52:54:00:4e:a7:99';
  const qemu = startQemu(teardown, { network: { kind: 'user', tftpRoot: tree.tftpRoot, bootfile: 'hearth.ipxe' }, mac: stranger, serialLog: join(tree.dir, 'serial.log') });
  const serial = await waitForSerial(qemu, /hearth: booting the local disk/, 180_000);
  await qemu.stop();
  t.regex(serial, /hearth network boot: 52:54:00:4e:a7:99 is not in the inventory/);
  t.regex(serial, /hearth: booting the local disk/);
  const log = await nginx.readAccessLog();
  t.like(log.find((entry) => entry.path === `/hosts/${stranger.replaceAll(':', '-')}.ipxe`), { status: 404 });
  t.false(log.some((entry) => entry.path.startsWith('/debian/')), 'no installer was fetched');
  t.true(agent.module.service().mayInstall(MAC), "the listed host's token is untouched");
});

async function waitForSerial(qemu: RunningQemu, pattern: RegExp, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  let serial = '';
  while (Date.now() < until && !qemu.hasExited()) {
    serial = await qemu.readSerial();
    if (pattern.test(serial)) return serial;
    await sleep(500);
  }
  return qemu.readSerial();
}

/** Runs the key-extraction and completion call of the rendered late_command, pointed at the loopback agent. */
async function runCompletionLikeTheInstaller(tree: RenderedTree, agent: JoinAgent, response: unknown): Promise<void> {
  const preseed = await readFile(join(tree.httpRoot, 'preseed', `${HEXHYP}.cfg`), 'utf8');
  const steps = preseed
    .split('\n')
    .map((line) => line.trim().replace(/;? \\$/, ''))
    .filter((line) => line.startsWith('key=$(') || line.startsWith('wget -q -O /tmp/hearth-complete.json'));
  if (steps.length !== 2) throw new Error(`expected the key extraction and the completion call in the late_command, found ${steps.length} steps`);
  const joinAnswer = join(tree.dir, 'hearth-join.json');
  await writeFile(joinAnswer, JSON.stringify(response));
  const script = steps
    .join('; ')
    .replaceAll('/tmp/hearth-join.json', joinAnswer)
    .replaceAll('/tmp/hearth-complete.json', join(tree.dir, 'hearth-complete.json'))
    .replaceAll(`http://10.0.2.2:${agent.port}/`, `${agent.url}/`);
  await run('sh', ['-c', script]);
}

async function findInstallerDir(httpRoot: string): Promise<string> {
  const versions = await readdir(join(httpRoot, 'debian', 'bookworm'));
  if (versions.length !== 1) throw new Error(`expected one installer version under ${httpRoot}/debian/bookworm, found ${versions.join(', ')}`);
  return `/debian/bookworm/${versions[0] ?? ''}`;
}
