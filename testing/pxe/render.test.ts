// The pxe_server role's rendered boot tree: dnsmasq accepts its proxy-DHCP
// configuration, every iPXE script handles its failures, the menu never
// installs by default, and the preseed holds no password.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startJoinAgent } from './join-agent.js';
import { renderTree, TEST_SSH_KEY, type RenderedTree } from './render-tree.js';
import { readIpxeScript } from './ipxe-script.js';

const run = promisify(execFile);
const MAC = '52:54:00:7e:57:01';
const HOST = 'render-node-1';

const cleanups: Array<() => Promise<void> | void> = [];
let rendered: Promise<RenderedTree> | undefined;

test.after.always(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** One rendering shared by the read-only checks below (the role copies ~50 MB of installer each time). */
function renderForTest(): Promise<RenderedTree> {
  rendered ??= renderOnce();
  return rendered;
}

async function renderOnce(): Promise<RenderedTree> {
  const agent = await startJoinAgent((cleanup) => cleanups.push(cleanup));
  return renderTree((cleanup) => cleanups.push(cleanup), {
    pxe_server_http_url: 'http://192.0.2.10:8081',
    pxe_server_agent_url: 'http://192.0.2.10:8000',
    pxe_server_agent_api_url: agent.url,
    pxe_server_agent_api_token: agent.apiToken,
    pxe_server_hosts: [{ hostname: HOST, mac: MAC }],
  });
}

test('dnsmasq accepts the rendered proxy-DHCP configuration', async (t) => {
  const tree = await renderForTest();
  const conf = await readFile(tree.dnsmasqConf, 'utf8');
  t.regex(conf, /^dhcp-range=127\.0\.0\.0,proxy$/m);
  t.regex(conf, /^dhcp-userclass=set:ipxe,iPXE$/m);
  t.regex(conf, /^pxe-service=tag:!ipxe,x86PC,.*,undionly\.kpxe$/m);
  t.regex(conf, /^pxe-service=tag:!ipxe,X86-64_EFI,.*,ipxe\.efi$/m);
  t.regex(conf, /^pxe-service=tag:ipxe,x86PC,.*,hearth\.ipxe$/m);
  const checked = await run('dnsmasq', ['--test', '-C', tree.dnsmasqConf]);
  t.regex(checked.stdout + checked.stderr, /syntax check OK/);
});

test('the TFTP root holds the BIOS and UEFI iPXE binaries and the script that chains to HTTP', async (t) => {
  const tree = await renderForTest();
  t.deepEqual((await readdir(tree.tftpRoot)).sort(), ['hearth.ipxe', 'ipxe.efi', 'undionly.kpxe']);
  const chain = await readFile(join(tree.tftpRoot, 'hearth.ipxe'), 'utf8');
  t.regex(chain, /^set boot_url http:\/\/192\.0\.2\.10:8081\/boot\.ipxe$/m);
});

test('every chain, kernel, initrd and boot in every rendered iPXE script falls through to a goto', async (t) => {
  const tree = await renderForTest();
  const scripts = [
    join(tree.tftpRoot, 'hearth.ipxe'),
    join(tree.httpRoot, 'boot.ipxe'),
    join(tree.httpRoot, 'installer.ipxe'),
    join(tree.httpRoot, 'hosts', `${MAC.replaceAll(':', '-')}.ipxe`),
  ];
  for (const path of scripts) {
    const text = await readFile(path, 'utf8');
    t.true(text.startsWith('#!ipxe\n# '), `${path} starts with #!ipxe and a comment header`);
    const script = readIpxeScript(text);
    t.true(script.loads.length > 0, `${path} loads something`);
    for (const line of script.loads) t.regex(line, /\|\| goto [a-z_]+$/, `${path}: ${line}`);
    for (const target of script.targets) t.true(script.labels.has(target), `${path}: goto ${target} has a label`);
    t.true(script.labels.has('shell'), `${path} has a :shell label`);
    t.regex(text, /^set err_[a-z_]+ /m, `${path} keeps its error strings in variables`);
  }
});

test('an unknown machine gets a menu whose timed default boots the local disk', async (t) => {
  const tree = await renderForTest();
  const text = await readFile(join(tree.httpRoot, 'boot.ipxe'), 'utf8');
  const script = readIpxeScript(text);
  t.true(script.lines.includes('chain --autofree hosts/${net0/mac:hexhyp}.ipxe || goto menu'));
  const choose = script.lines.find((l) => l.startsWith('choose '));
  t.regex(choose ?? '', /--default local_disk --timeout \$\{menu_timeout\} target \|\| goto local_disk$/);
  t.regex(text, /^set menu_timeout [1-9][0-9]{3,}$/m);
  const localDisk = script.lines.slice(script.lines.indexOf(':local_disk'));
  t.deepEqual(localDisk.slice(1, 3), ['echo hearth: booting the local disk', 'exit']);
  t.true(['install_debian', 'local_disk', 'shell'].every((label) => script.labels.has(label)));
});

test('a listed host installs only while the agent says so, and otherwise boots its local disk', async (t) => {
  const tree = await renderForTest();
  const text = await readFile(join(tree.httpRoot, 'hosts', `${MAC.replaceAll(':', '-')}.ipxe`), 'utf8');
  const script = readIpxeScript(text);
  t.true(script.lines.includes('set install_check http://192.0.2.10:8000/api/v1/join/install/52-54-00-7e-57-01'));
  t.true(script.lines.includes('imgfetch --name install-check ${install_check} && goto install || goto local_disk'));
  const kernel = script.lines.find((l) => l.startsWith('kernel ')) ?? '';
  t.regex(kernel, /^kernel \$\{installer\}\/linux initrd=initrd\.gz auto=true priority=critical url=\$\{preseed\} hostname=\$\{host\} /);
  t.regex(text, /^set installer http:\/\/192\.0\.2\.10:8081\/debian\/bookworm\/[0-9A-Za-z.+~-]+$/m);
});

test('the preseed has no password, trusts only the SSH key and trades its join token early', async (t) => {
  const tree = await renderForTest();
  const preseed = await readFile(join(tree.httpRoot, 'preseed', `${MAC.replaceAll(':', '-')}.cfg`), 'utf8');
  t.true(preseed.startsWith('#_preseed_V1\n'));
  t.notRegex(preseed, /passwd\/root-password/);
  t.notRegex(preseed, /user-password (string|password)/);
  t.regex(preseed, /^d-i passwd\/root-login boolean false$/m);
  t.regex(preseed, /^d-i passwd\/user-password-crypted password !$/m);
  t.true(preseed.includes(`echo '${TEST_SSH_KEY}' > /target/home/hearth/.ssh/authorized_keys`));
  t.regex(preseed, /^d-i mirror\/http\/hostname string deb\.debian\.org$/m);
  t.regex(preseed, /^d-i partman-auto\/disk string \/dev\/sda$/m);
  t.regex(preseed, /^d-i netcfg\/hostname string render-node-1$/m);
  const early = /^d-i preseed\/early_command string (.*)$/m.exec(preseed)?.[1] ?? '';
  t.regex(early, /--post-data='\{"token": "[0-9a-f]{64}", "hostname": "render-node-1", "mac": "52:54:00:7e:57:01"\}' http:\/\/192\.0\.2\.10:8000\/api\/v1\/join$/);
  t.regex(preseed, /http:\/\/192\.0\.2\.10:8000\/api\/v1\/join\/complete\n/);
  const checked = await run('debconf-set-selections', ['--checkonly', join(tree.httpRoot, 'preseed', `${MAC.replaceAll(':', '-')}.cfg`)]);
  t.is(checked.stderr, '', 'debconf parses every line of the preseed');
});

test('the role refuses a host whose MAC is malformed, and renders nothing', async (t) => {
  const agent = await startJoinAgent((cleanup) => t.teardown(cleanup));
  const error = await t.throwsAsync(
    renderTree((cleanup) => t.teardown(cleanup), {
      pxe_server_http_url: 'http://192.0.2.10:8081',
      pxe_server_agent_url: 'http://192.0.2.10:8000',
      pxe_server_agent_api_url: agent.url,
      pxe_server_agent_api_token: agent.apiToken,
      pxe_server_hosts: [{ hostname: 'bad-node', mac: '52:54:00:7e:57:01; reboot' }],
    }),
  );
  t.regex(String((error as { stdout?: string } | undefined)?.stdout ?? ''), /Expected a lower-case hostname, a lower-case colon-separated MAC/);
  t.deepEqual(agent.module.service().listNodes(), []);
});
