import test from 'ava';
import type { ServerResponse } from 'node:http';
import { isHearthError } from '../errors.js';
import { startFakeServer, sendText } from '../../testing/support/fake-http-server.js';
import { createSilentLogger } from '../log.js';
import { createNomadClient } from './client.js';
import { buildTopicQuery } from './event-stream.js';
import { parseNdjson } from './ndjson.js';
import type { EventFrame } from './types.js';

function frame(index: number, key = 'web'): EventFrame {
  return {
    Index: index,
    Events: [{ Topic: 'Job', Type: 'JobRegistered', Key: key, Namespace: 'default', FilterKeys: null, Index: index, Payload: { Job: { ID: key, Name: 'é' } } }],
  };
}

async function* chunksOf(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.isBuffer(part) ? part : Buffer.from(part);
}

test('NDJSON lines split across chunks, even inside a UTF-8 character, parse whole', async (t) => {
  const text = `${JSON.stringify(frame(1))}\n{}\n${JSON.stringify(frame(2))}\n`;
  const bytes = Buffer.from(text);
  const cut = bytes.indexOf(Buffer.from('é')) + 1;
  const values: unknown[] = [];
  for await (const value of parseNdjson(chunksOf(bytes.subarray(0, 5), bytes.subarray(5, cut), bytes.subarray(cut)))) values.push(value);
  t.deepEqual(values, [frame(1), {}, frame(2)]);
});

test('topics become topic=Topic:key values, a topic without keys meaning every key', (t) => {
  t.deepEqual(buildTopicQuery({ Job: ['web', 'api'], Allocation: [] }), ['Job:web', 'Job:api', 'Allocation:*']);
  t.is(buildTopicQuery(undefined), undefined);
});

function writeSlowly(res: ServerResponse, parts: string[]): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const part of parts) res.write(part);
}

test('the stream skips heartbeats, counts them, and resumes from the last index after a drop', async (t) => {
  let connections = 0;
  const server = await startFakeServer((req, res) => {
    connections += 1;
    if (connections === 1) {
      const line = JSON.stringify(frame(5));
      writeSlowly(res, ['{}\n', line.slice(0, 20), `${line.slice(20)}\n`, `${JSON.stringify(frame(6))}\n`]);
      setTimeout(() => res.socket?.destroy(), 30);
    } else {
      t.is(req.query.get('index'), '6');
      // The resumed stream repeats index 6; it must not be yielded twice.
      writeSlowly(res, ['{}\n', `${JSON.stringify(frame(6))}\n`, `${JSON.stringify(frame(7))}\n`]);
    }
  });
  t.teardown(() => server.close());
  const nomad = createNomadClient({ addr: server.url, log: createSilentLogger() });
  t.teardown(() => nomad.close());
  const controller = new AbortController();
  let heartbeats = 0;
  let reconnects = 0;
  const seen: number[] = [];
  for await (const received of nomad.events.stream({
    topics: { Job: ['web'] },
    signal: controller.signal,
    onHeartbeat: () => (heartbeats += 1),
    onReconnect: () => (reconnects += 1),
    backoff: { baseMs: 10, capMs: 20 },
  })) {
    seen.push(received.Index);
    if (received.Index === 7) controller.abort();
  }
  t.deepEqual(seen, [5, 6, 7]);
  t.is(heartbeats, 2);
  t.is(reconnects, 1);
  t.deepEqual(server.requests[0]?.query.getAll('topic'), ['Job:web']);
  t.false(server.requests[0]?.query.has('index'));
});

test('aborting a stream that is waiting for data ends the iteration without an error', async (t) => {
  const server = await startFakeServer((_req, res) => writeSlowly(res, ['{}\n']));
  t.teardown(() => server.close());
  const nomad = createNomadClient({ addr: server.url, log: createSilentLogger() });
  t.teardown(() => nomad.close());
  const controller = new AbortController();
  const frames: EventFrame[] = [];
  await t.notThrowsAsync(async () => {
    for await (const received of nomad.events.stream({ signal: controller.signal, onHeartbeat: () => controller.abort() })) frames.push(received);
  });
  t.is(frames.length, 0);
});

test('a 403 on the stream ends it with HEARTH_ERR_ACL_DENIED instead of retrying', async (t) => {
  const server = await startFakeServer((_req, res) => sendText(res, 403, 'Permission denied'));
  t.teardown(() => server.close());
  const nomad = createNomadClient({ addr: server.url, log: createSilentLogger() });
  t.teardown(() => nomad.close());
  const err = await t.throwsAsync(async () => {
    for await (const received of nomad.events.stream({ signal: new AbortController().signal })) t.fail(`unexpected frame ${received.Index}`);
  });
  t.true(isHearthError(err, 'HEARTH_ERR_ACL_DENIED'));
  t.is(server.requests.length, 1);
});
