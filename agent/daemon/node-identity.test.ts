import test from 'ava';
import { createSilentLogger } from '../log.js';
import { resolveNodeIdentity } from './node-identity.js';

const log = createSilentLogger();

test('a configured node name and address win without asking Nomad', async (t) => {
  let asked = false;
  const identity = await resolveNodeIdentity({
    configured: { name: 'n1', address: '10.1.1.1' },
    readAgentSelf: async () => { asked = true; return {}; },
    fallbackAddress: '127.0.0.1',
    log,
  });
  t.deepEqual(identity, { name: 'n1', address: '10.1.1.1', source: 'config' });
  t.false(asked);
});

test('without a configured name the local Nomad agent names the node', async (t) => {
  const identity = await resolveNodeIdentity({
    configured: {},
    readAgentSelf: async () => ({ nodeName: 'sim-2', address: '127.0.0.3' }),
    fallbackAddress: '127.0.0.1',
    log,
  });
  t.deepEqual(identity, { name: 'sim-2', address: '127.0.0.3', source: 'nomad' });
});

test('when Nomad cannot be reached the hostname and the listen address stand in', async (t) => {
  const identity = await resolveNodeIdentity({
    configured: {},
    readAgentSelf: async () => { throw new Error('ECONNREFUSED'); },
    fallbackAddress: '127.0.0.9',
    log,
    hostname: () => 'box',
  });
  t.deepEqual(identity, { name: 'box', address: '127.0.0.9', source: 'hostname' });
});
