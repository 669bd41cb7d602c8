import test from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../testing/support/free-port.js';
import type { ServiceCheck } from '../nomad/types.js';
import { passesOwnChecks, probeChecksOf } from './readiness.js';

const check = (fields: Partial<ServiceCheck> & { Type: string }): ServiceCheck => ({ Interval: 1e9, Timeout: 1e9, ...fields }) as ServiceCheck;

async function serve(t: { teardown(fn: () => void): void }, status: number): Promise<{ port: number; paths: string[] }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  return { port: (server.address() as AddressInfo).port, paths };
}

test('HTTP and TCP checks are read from the job; a check of another kind leaves them all to Consul', (t) => {
  t.deepEqual(probeChecksOf([check({ Type: 'http', Path: '/health', Method: '' }), check({ Type: 'tcp' })]), [{ kind: 'http', method: 'GET', path: '/health' }, { kind: 'tcp' }]);
  t.deepEqual(probeChecksOf([check({ Type: 'http', Path: '', Method: 'head' })]), [{ kind: 'http', method: 'HEAD', path: '/' }]);
  t.deepEqual(probeChecksOf(undefined), []);
  t.is(probeChecksOf([check({ Type: 'http', Path: '/' }), check({ Type: 'script' })]), undefined);
});

test('an HTTP check passes on 2xx as Consul counts it, and fails on 503 or a closed port; a TCP check passes once it connects', async (t) => {
  const ok = await serve(t, 200);
  const loading = await serve(t, 503);
  const closed = await freePort();
  t.true(await passesOwnChecks([{ kind: 'http', method: 'GET', path: '/health' }], '127.0.0.1', ok.port));
  t.deepEqual(ok.paths, ['GET /health']);
  t.false(await passesOwnChecks([{ kind: 'http', method: 'GET', path: '/health' }], '127.0.0.1', loading.port));
  t.false(await passesOwnChecks([{ kind: 'http', method: 'GET', path: '/' }], '127.0.0.1', closed));
  t.true(await passesOwnChecks([{ kind: 'tcp' }], '127.0.0.1', ok.port));
  t.false(await passesOwnChecks([{ kind: 'tcp' }], '127.0.0.1', closed));
  t.false(await passesOwnChecks([{ kind: 'tcp' }, { kind: 'http', method: 'GET', path: '/' }], '127.0.0.1', loading.port), 'every check must pass');
});
