import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../config/schema.js';
import { createSilentLogger } from '../log.js';
import { createHands } from './hands.js';

test('ssh hosts are the inventory\'s, plus the nodes discovery lists that the inventory does not name', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-hands-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'inventory.yaml'), 'all:\n  children:\n    worker_nodes:\n      hosts:\n        node-1:\n          ansible_host: 10.0.0.1\n');
  const config = configSchema().parse({ tools: { ssh: { inventory: join(dir, 'inventory.yaml') } } });
  const hands = createHands({
    config,
    log: createSilentLogger(),
    listExperts: () => [
      { name: 'prima-api-code', address: '10.0.0.9', port: 8080, health: 'passing', node: 'node-9' },
      { name: 'prima-api-ops', address: '10.0.0.99', port: 8080, health: 'passing', node: 'node-1' },
    ],
  });
  t.teardown(() => hands.stop());
  const hosts = await hands.deps.ssh.hosts();
  t.deepEqual([...hosts.values()], [
    { name: 'node-1', address: '10.0.0.1' },
    { name: 'node-9', address: '10.0.0.9' },
  ]);
});

test('playbooks default to the repository\'s ansible/ and the inventory to join.inventory', (t) => {
  const hands = createHands({ config: configSchema().parse({}), log: createSilentLogger(), listExperts: () => [] });
  t.teardown(() => hands.stop());
  t.regex(hands.deps.ansible.playbookDirs[0] ?? '', /\/ansible$/);
  t.is(hands.deps.ansible.inventory, '/etc/hearth/ansible/inventory.yaml');
});
