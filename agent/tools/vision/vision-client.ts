// Asks an OpenAI-compatible vision endpoint (llama-server with an mmproj
// model, for one) to describe an image: one chat completion with the
// question and the frame as a data URL.
import { HearthError } from '../../errors.js';
import type { Frame } from './camera.js';

export interface VisionRequest {
  readonly baseUrl: string;
  readonly model: string;
  readonly question: string;
  readonly frame: Frame;
  readonly maxTokens: number;
  readonly signal: AbortSignal;
}

export async function describeFrame(request: VisionRequest): Promise<string> {
  const url = new URL('/v1/chat/completions', request.baseUrl).toString();
  const body = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: request.question },
        { type: 'image_url', image_url: { url: `data:${request.frame.mediaType};base64,${request.frame.bytes.toString('base64')}` } },
      ],
    }],
  };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: request.signal });
  } catch (err) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot reach the vision expert at ${url}: ${(err as Error).message}`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) throw new HearthError('HEARTH_ERR_UNREACHABLE', `The vision expert at ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  let content: unknown;
  try {
    content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    content = undefined;
  }
  if (typeof content !== 'string') throw new HearthError('HEARTH_ERR_UNREACHABLE', `Expected a chat completion with a message from the vision expert at ${url}, got ${text.slice(0, 200)}.`);
  return content;
}
