// A one-shot TCP client for tests that must connect from inside a network
// namespace: `node tcp-client.js <host> <port> [payload]` connects, sends the
// payload (if any), waits for the first reply bytes (if it sent any), closes,
// and prints {"localAddress","localPort","reply"} as JSON. Exit 1 on error.
import { connect } from 'node:net';

const [host = '', portText = '', payload] = process.argv.slice(2);
const socket = connect({ host, port: Number(portText) });
socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
socket.once('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
socket.once('connect', () => {
  const report = (reply: string) => {
    process.stdout.write(JSON.stringify({ localAddress: socket.localAddress, localPort: socket.localPort, reply }) + '\n');
    socket.end();
  };
  if (payload === undefined) {
    report('');
    return;
  }
  socket.write(payload);
  socket.once('data', (chunk) => report(chunk.toString('utf8')));
});
