import test from 'ava';
import { formatStatus } from './status.js';
import { formatExperts } from './experts.js';
import { worstStatus } from './cluster-view.js';

test('status renders the leader, nodes, jobs and services as aligned tables', (t) => {
  const text = formatStatus({
    nomad: {
      addr: 'http://127.0.0.1:4646',
      leader: '127.0.0.1:4647',
      nodes: [{ name: 'node-1', address: '127.0.0.2', status: 'ready', eligibility: 'eligible', datacenter: 'dc1' }],
      jobs: [{ id: 'prima-api-code', type: 'service', status: 'running' }],
    },
    consul: { addr: 'http://127.0.0.1:8500', services: [{ name: 'hearth-agent', instances: 3, passing: 2, warning: 0, critical: 1 }] },
  });
  t.is(
    text,
    [
      'Nomad http://127.0.0.1:4646 (leader 127.0.0.1:4647)',
      'NODE    ADDRESS    STATUS  ELIGIBILITY  DATACENTER',
      'node-1  127.0.0.2  ready   eligible     dc1',
      '',
      'JOB             TYPE     STATUS',
      'prima-api-code  service  running',
      '',
      'Consul http://127.0.0.1:8500',
      'SERVICE       INSTANCES  PASSING  WARNING  CRITICAL',
      'hearth-agent  3          2        0        1',
      '',
    ].join('\n'),
  );
});

test('experts render with host:port and say so when there are none', (t) => {
  t.is(formatExperts([], 'prima-api-'), 'No expert services (Consul services named prima-api-*).\n');
  const text = formatExperts([{ name: 'prima-api-a', id: 'a-1', node: 'n1', address: '::1', port: 9000, health: 'passing' }], 'prima-api-');
  t.regex(text, /^prima-api-a  \[::1\]:9000  passing  n1    a-1$/m);
});

test('an instance is as healthy as its worst check', (t) => {
  t.is(worstStatus(['passing', 'passing']), 'passing');
  t.is(worstStatus(['passing', 'warning']), 'warning');
  t.is(worstStatus(['warning', 'critical']), 'critical');
  t.is(worstStatus([]), 'passing');
});
