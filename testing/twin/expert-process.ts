// A scripted OpenAI-compatible expert as a process of its own, for jobs the
// power manager sleeps and wakes: waits START_DELAY_MS (a model loading), then
// serves on NOMAD_IP_http:NOMAD_PORT_http (or HOST:PORT) and answers every
// chat request with REPLY, streamed word by word.
import { startFakeOpenAi } from '../support/fake-openai.js';

const host = process.env['HOST'] ?? process.env['NOMAD_IP_http'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? process.env['NOMAD_PORT_http'] ?? 0);
const reply = process.env['REPLY'] ?? 'hello from the expert';
const delay = Number(process.env['START_DELAY_MS'] ?? 0);

await new Promise((resolve) => setTimeout(resolve, delay));
const fake = await startFakeOpenAi({ host, port });
fake.fallback({ kind: 'text', chunks: reply.split(/(?<= )/) });
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
