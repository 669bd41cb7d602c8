import test from 'ava';
import { buildAgentService } from './agent-service.js';

const node = { name: 'node-2', address: '10.0.0.12', source: 'config' as const };

test('the agent service has a per-node ID, version and node in Meta, and a check on its own /health', (t) => {
  const service = buildAgentService({ node, version: '1.2.3', listen: { host: '127.0.0.3', port: 0 }, port: 8123 });
  t.is(service.id, 'hearth-agent-node-2');
  t.is(service.name, 'hearth-agent');
  t.deepEqual(service.meta, { hearth_version: '1.2.3', node: 'node-2' });
  t.is(service.address, '127.0.0.3');
  t.is(service.port, 8123);
  t.is(service.check.http, 'http://127.0.0.3:8123/health');
});

test('an agent listening on every address is registered and checked at the node address', (t) => {
  const v4 = buildAgentService({ node, version: '1', listen: { host: '0.0.0.0', port: 8000 }, port: 8000 });
  t.is(v4.address, '10.0.0.12');
  t.is(v4.check.http, 'http://10.0.0.12:8000/health');
  const v6 = buildAgentService({ node: { ...node, address: 'fd00::12' }, version: '1', listen: { host: '::', port: 8000 }, port: 8000 });
  t.is(v6.check.http, 'http://[fd00::12]:8000/health');
});
