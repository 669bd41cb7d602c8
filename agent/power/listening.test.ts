import test from 'ava';
import { createServer } from 'node:net';
import { isPortListening } from './listening.js';

test('a listening socket is found by address and port, and disappears when it closes', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  t.true(await isPortListening('127.0.0.1', port));
  t.false(await isPortListening('127.0.0.9', port));
  await new Promise((resolve) => server.close(resolve));
  t.false(await isPortListening('127.0.0.1', port));
});

test('a wildcard listener counts for any address', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.true(await isPortListening('127.0.0.7', (server.address() as { port: number }).port));
});
