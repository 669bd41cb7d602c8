import test from 'ava';
import { createSseDataReader } from './sse-data.js';

const bytes = (text: string) => new TextEncoder().encode(text);

test('payloads split across reads, CRLF lines and other fields are read as whole data payloads', (t) => {
  const reader = createSseDataReader();
  t.deepEqual(reader.push(bytes('data: {"a":1}\n\ndata: {"b"')), ['{"a":1}']);
  t.deepEqual(reader.push(bytes(':2}\r\n\r\nevent: x\nid: 3\n: comment\ndata:[DONE]\n\n')), ['{"b":2}', '[DONE]']);
  t.deepEqual(reader.end(), []);
});

test('a multi-byte character cut between reads and a body ending without a blank line are kept', (t) => {
  const reader = createSseDataReader();
  const all = bytes('data: "é"\n\ndata: one\ndata: two');
  t.deepEqual(reader.push(all.slice(0, 8)), []);
  t.deepEqual(reader.push(all.slice(8)), ['"é"']);
  t.deepEqual(reader.end(), ['one\ntwo']);
});
