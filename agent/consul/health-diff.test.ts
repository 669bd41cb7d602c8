import test from 'ava';
import { diffHealth, instanceHealth, snapshotChecks } from './health-diff.js';
import type { CheckStatus, HealthCheckInfo } from './types.js';

function check(node: string, checkId: string, status: CheckStatus, serviceId = '', serviceName = ''): HealthCheckInfo {
  return { Node: node, CheckID: checkId, Name: checkId, Status: status, Output: 'ignored', ServiceID: serviceId, ServiceName: serviceName };
}

const base = [
  check('n1', 'serfHealth', 'passing'),
  check('n2', 'serfHealth', 'passing'),
  check('n1', 'a-ttl', 'critical', 'a-1', 'prima-api-a'),
  check('n2', 'b-ttl', 'passing', 'b-1', 'prima-api-b'),
  check('n1', 'web-ttl', 'critical', 'web-1', 'web'),
];

test('the first answer touches every prefixed name and node; other services are ignored', (t) => {
  const changes = diffHealth(undefined, snapshotChecks(base, 'prima-api-'));
  t.deepEqual([...changes.names].sort(), ['prima-api-a', 'prima-api-b']);
  t.deepEqual([...changes.nodes].sort(), ['n1', 'n2']);
});

test('a status change, a new or a vanished check touches its name; output alone and order do not', (t) => {
  const before = snapshotChecks(base, 'prima-api-');
  const none = new Set<string>();
  t.deepEqual(diffHealth(before, snapshotChecks([...base].reverse().map((c) => ({ ...c, Output: 'new' })), 'prima-api-')), { names: none, reshapedNames: none, nodes: none, reshapedNodes: none });
  const passing = base.map((c) => (c.CheckID === 'a-ttl' ? { ...c, Status: 'passing' as const } : c));
  const flipped = diffHealth(before, snapshotChecks(passing, 'prima-api-'));
  t.deepEqual([...flipped.names], ['prima-api-a']);
  t.is(flipped.reshapedNames.size, 0);
  t.is(instanceHealth(snapshotChecks(passing, 'prima-api-'), 'n1', 'a-1'), 'passing');
  t.is(instanceHealth(before, 'n1', 'a-1'), 'critical');
  const scaled = [...base, check('n1', 'b2-ttl', 'critical', 'b-2', 'prima-api-b')];
  t.deepEqual([...diffHealth(before, snapshotChecks(scaled, 'prima-api-')).reshapedNames], ['prima-api-b']);
  t.deepEqual([...diffHealth(before, snapshotChecks(base.slice(0, 3), 'prima-api-')).reshapedNames], ['prima-api-b']);
  const web = base.map((c) => (c.CheckID === 'web-ttl' ? { ...c, Status: 'passing' as const } : c));
  t.is(diffHealth(before, snapshotChecks(web, 'prima-api-')).names.size, 0);
});

test('a node check change is reported by node, with the nodes each name runs on', (t) => {
  const before = snapshotChecks(base, 'prima-api-');
  const after = snapshotChecks(base.map((c) => (c.Node === 'n2' && c.CheckID === 'serfHealth' ? { ...c, Status: 'critical' as const } : c)), 'prima-api-');
  const changes = diffHealth(before, after);
  t.is(changes.names.size, 0);
  t.deepEqual([...changes.nodes], ['n2']);
  t.is(changes.reshapedNodes.size, 0);
  t.deepEqual([...(after.nodesOf.get('prima-api-b') ?? [])], ['n2']);
  // The node's critical serfHealth makes its passing instance critical, as /v1/health/service would.
  t.is(instanceHealth(after, 'n2', 'b-1'), 'critical');
  t.is(instanceHealth(after, 'n2', 'unchecked-1'), 'critical');
  t.is(instanceHealth(after, 'n1', 'unchecked-1'), 'passing');
});
