import test from 'ava';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isHearthError } from '../errors.js';
import { createInventoryWriter } from './inventory.js';

async function tempDir(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hjoin-inv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a joined node is added under all.children.worker_nodes, keeping the comments and the other groups', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'inventory.yaml');
  await writeFile(path, '# the cluster\nall:\n  children:\n    controller_nodes:\n      hosts:\n        ctl-1: {}  # the first\n    worker_nodes:\n      hosts:\n        old-1: {}\n');
  await createInventoryWriter(path).addWorker({ hostname: 'node-7', mac: '52:54:00:aa:00:07', address: '10.0.0.7' });
  const text = await readFile(path, 'utf8');
  t.true(text.startsWith('# the cluster\n'));
  t.true(text.includes('# the first'));
  t.deepEqual(parse(text).all.children.worker_nodes.hosts, { 'old-1': {}, 'node-7': { hearth_mac: '52:54:00:aa:00:07', ansible_host: '10.0.0.7' } });
  t.deepEqual(await readdir(dir), ['inventory.yaml'], 'no temporary file is left behind');
});

test('concurrent joins are all written', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'inventory.yaml');
  const writer = createInventoryWriter(path);
  await Promise.all(['a-1', 'a-2', 'a-3'].map((hostname, i) => writer.addWorker({ hostname, mac: `52:54:00:aa:00:0${i}` })));
  t.deepEqual(Object.keys(parse(await readFile(path, 'utf8')).worker_nodes.hosts).sort(), ['a-1', 'a-2', 'a-3']);
});

test('an inventory that is not a YAML mapping is left untouched and the join fails', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'inventory.yaml');
  await writeFile(path, '- just\n- a list\n');
  const err = await t.throwsAsync(createInventoryWriter(path).addWorker({ hostname: 'n-1', mac: '52:54:00:aa:00:01' }));
  t.true(isHearthError(err, 'HEARTH_ERR_STATE'));
  t.is(await readFile(path, 'utf8'), '- just\n- a list\n');
});
