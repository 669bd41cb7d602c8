// Stand-ins for a camera and a vision expert. The camera serves a snapshot
// (a PNG) over HTTP like an IP camera's /snapshot; the vision expert speaks
// the OpenAI chat-completions API with image input, as llama-server with an
// mmproj model does, and "describes" the image by reading it: its size and
// mean colour, so a test proves the real frame reached it.
import { createServer, type Server } from 'node:http';
import { readPng } from './png.js';

export interface FakeServer {
  readonly url: string;
  readonly requests: unknown[];
  stop(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export async function startFakeCamera(frame: Buffer, contentType = 'image/png'): Promise<FakeServer> {
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    if (req.url !== '/snapshot') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': contentType }).end(frame);
  });
  const url = await listen(server);
  return { url: `${url}/snapshot`, requests, stop: () => close(server) };
}

type Content = { type: string; text?: string; image_url?: { url: string } };

export async function startFakeVisionExpert(): Promise<FakeServer> {
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') { res.writeHead(404).end(); return; }
      const parsed = JSON.parse(body) as { model: string; messages: { content: Content[] }[] };
      requests.push(parsed);
      const content = parsed.messages[0]?.content ?? [];
      const question = content.find((c) => c.type === 'text')?.text ?? '';
      const image = content.find((c) => c.type === 'image_url')?.image_url?.url ?? '';
      const match = /^data:image\/png;base64,(.+)$/.exec(image);
      if (match?.[1] === undefined) { res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"expected a PNG data URL"}'); return; }
      const { width, height, mean } = readPng(Buffer.from(match[1], 'base64'));
      const answer = `Asked "${question}": a ${width}x${height} image, mean colour rgb(${mean.join(', ')}).`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] }));
    });
  });
  const url = await listen(server);
  return { url, requests, stop: () => close(server) };
}
