// Proxy-DHCP for real: on a LAN of two network namespaces, a plain DHCP
// server plays the router and hands out the address, and dnsmasq with the
// configuration the pxe_server role rendered adds only the boot information.
// A machine whose ROM is iPXE gets hearth.ipxe over TFTP from it, chains to
// boot.ipxe and its host script over HTTP (nginx with the role's site), and,
// as the control node's agent cannot be reached, boots its local disk.
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startJoinAgent, type Teardown } from './join-agent.js';
import { renderTree } from './render-tree.js';
import { startNginx } from './nginx.js';
import { startQemu } from './qemu.js';
import { createTestLan } from './netns.js';
import { startDnsmasq } from './dnsmasq.js';

const MAC = '52:54:00:4e:a7:21';
const HOST = 'proxy-node-1';
const HTTP_PORT = 8081;

interface Firmware {
  readonly firmware: 'bios' | 'uefi';
  /** What the machine's own PXE client is handed first. */
  readonly firstFile: RegExp;
}

const bootsThroughProxyDhcp = test.macro(async (t, { firmware, firstFile }: Firmware) => {
  t.timeout(300_000);
  if (process.getuid?.() !== 0) {
    t.fail('this test needs root to create network namespaces (run it as CI does)');
    return;
  }
  const teardown: Teardown = (cleanup) => t.teardown(cleanup);
  const agent = await startJoinAgent(teardown, ['true']);
  const lan = await createTestLan(teardown);
  const tree = await renderTree(teardown, {
    pxe_server_http_listen: `${lan.serverAddress}:${HTTP_PORT}`,
    pxe_server_http_url: `http://${lan.serverAddress}:${HTTP_PORT}`,
    // Nothing listens there: the host script must fall back to the local disk.
    pxe_server_agent_url: `http://${lan.serverAddress}:9`,
    pxe_server_agent_api_url: agent.url,
    pxe_server_agent_api_token: agent.apiToken,
    pxe_server_dhcp_interface: lan.bridge,
    pxe_server_dhcp_subnet: lan.subnet,
    pxe_server_hosts: [{ hostname: HOST, mac: MAC }],
  });
  const routerConf = join(tree.dir, 'router-dnsmasq.conf');
  await writeFile(
    routerConf,
    ['port=0', `interface=${lan.routerIf}`, 'bind-interfaces', 'dhcp-range=10.99.0.100,10.99.0.150,255.255.255.0,1h', `dhcp-option=option:router,${lan.routerAddress}`, 'log-dhcp', ''].join('\n'),
  );
  const router = await startDnsmasq(teardown, {
    netns: lan.routerNs,
    conf: routerConf,
    logFile: join(tree.dir, 'router.log'),
    pidFile: join(tree.dir, 'router.pid'),
    extra: [`--dhcp-leasefile=${join(tree.dir, 'router.leases')}`],
  });
  const proxy = await startDnsmasq(teardown, { netns: lan.lanNs, conf: tree.dnsmasqConf, logFile: join(tree.dir, 'proxy.log'), pidFile: join(tree.dir, 'proxy.pid') });
  const nginx = await startNginx(teardown, tree, lan.lanNs);

  const qemu = startQemu(teardown, { network: { kind: 'tap', netns: lan.lanNs, tap: lan.tap }, firmware, mac: MAC, serialLog: join(tree.dir, 'serial.log') });
  const until = Date.now() + 240_000;
  let serial = '';
  while (Date.now() < until && !qemu.hasExited() && !/hearth: booting the local disk of /.test(serial)) {
    await sleep(500);
    serial = await qemu.readSerial();
  }
  await qemu.stop();
  if (!/hearth: booting the local disk of /.test(serial)) t.log(`serial console (last 3000 characters):\n${serial.slice(-3000)}`);

  t.regex(await proxy.readLog(), firstFile, 'the PXE client was handed the right first file');
  t.regex(serial, /Filename: hearth\.ipxe/, 'the proxy named the TFTP script for an iPXE client');
  t.regex(serial, /tftp:\/\/10\.99\.0\.1\/hearth\.ipxe\.\.\. ok/);
  t.regex(serial, new RegExp(`hearth: booting the local disk of ${HOST}`));
  t.regex(await router.readLog(), new RegExp(`DHCPACK\\(${lan.routerIf}\\) 10\\.99\\.0\\.\\d+ ${MAC}`), 'the router gave the address');
  t.regex(await proxy.readLog(), /PXE\(.*\) .*proxy/, 'dnsmasq answered as a proxy');
  t.regex(await proxy.readLog(), /sent .*\/tftp\/hearth\.ipxe to 10\.99\.0\.\d+/);
  const log = await nginx.readAccessLog();
  t.like(log.find((entry) => entry.path === '/boot.ipxe'), { status: 200 });
  t.like(log.find((entry) => entry.path === `/hosts/${MAC.replaceAll(':', '-')}.ipxe`), { status: 200 });
  t.false(log.some((entry) => entry.path.startsWith('/debian/')), 'no installer was fetched');
  t.true(agent.module.service().mayInstall(MAC), 'the token is untouched');
});

test.serial(
  'a machine whose ROM is iPXE boots through proxy-DHCP beside the LAN router, and boots its local disk when the agent is unreachable',
  bootsThroughProxyDhcp,
  { firmware: 'bios', firstFile: /sent \S+\/tftp\/hearth\.ipxe to / },
);

test.serial(
  'a UEFI machine is handed ipxe.efi by the proxy, then boots the same way',
  bootsThroughProxyDhcp,
  { firmware: 'uefi', firstFile: /sent \S+\/tftp\/ipxe\.efi to / },
);
