import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createNetns } from './netns.js';
import { notRoot, skipAll } from '../support/skip.js';

const CLIENT = fileURLToPath(new URL('./tcp-client.js', import.meta.url));

function linkExists(name: string, netns?: string): boolean {
  try {
    execFileSync('ip', [...(netns === undefined ? [] : ['-n', netns]), 'link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (!skipAll('network namespace helpers', notRoot())) {
  test('a namespace reaches the host over its veth pair on IPv4 and IPv6, and destroy removes everything', async (t) => {
    const ns = await createNetns('hnet');
    t.teardown(() => ns.destroy());
    t.true(linkExists(ns.vethHost));
    t.true(linkExists(ns.vethNs, ns.name));
    const server = createServer((s) => s.on('data', (d) => s.end(d)));
    t.teardown(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    const { port } = server.address() as AddressInfo;
    for (const [addr, from] of [[ns.hostAddr, ns.nsAddr], [ns.hostAddr6, ns.nsAddr6]] as const) {
      const res = await ns.exec(process.execPath, [CLIENT, addr, String(port), 'ping']);
      t.is(res.code, 0, res.stderr);
      t.like(JSON.parse(res.stdout), { localAddress: from, reply: 'ping' });
    }
    await ns.destroy();
    t.false(linkExists(ns.vethHost));
    const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    t.false(list.includes(ns.name));
  });

  test('a prefix that would make interface names too long is refused', async (t) => {
    await t.throwsAsync(createNetns('toolongprefix'), { message: /prefix/ });
  });
}
