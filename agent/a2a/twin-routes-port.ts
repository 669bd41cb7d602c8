// The twin as the A2A gateway sees it, through the twin module's own HTTP
// routes called in process (the contract `hearth chat` and Mission Control
// use): one conversation per A2A context, each message a turn whose events
// are read back from its server-sent-event stream.
import { HearthError } from '../errors.js';
import type { Route, RouteRequest, RouteResponse } from '../http-api/route.js';
import { readTurnEvents } from '../twin/sse-frames.js';
import type { AskOptions, TwinPort } from './twin-port.js';

async function call(routes: () => readonly Route[], method: Route['method'], path: string, params: Record<string, string>, body: unknown, signal: AbortSignal): Promise<RouteResponse> {
  const route = routes().find((r) => r.method === method && r.path === path);
  if (route === undefined) throw new HearthError('HEARTH_ERR_UNREACHABLE', 'The twin is not part of this agent.');
  const request: RouteRequest = {
    method, params, body, signal,
    query: new URLSearchParams(),
    remoteAddress: '127.0.0.1',
    raw: undefined as unknown as RouteRequest['raw'],
    principal: { kind: 'token' },
  };
  const response = await route.handler(request);
  if (response.status >= 300) {
    const message = (response.json as { error?: { message?: string } } | undefined)?.error?.message;
    throw new HearthError('HEARTH_ERR_UNREACHABLE', message ?? `The twin answered ${response.status}.`);
  }
  return response;
}

const MAX_CONTEXTS = 1000;

export function createTwinRoutesPort(options: { routes: () => readonly Route[]; experts: TwinPort['experts'] }): TwinPort {
  const conversations = new Map<string, string>();
  return {
    experts: options.experts,
    async *ask(text: string, ask: AskOptions) {
      let id = conversations.get(ask.conversationId);
      if (id === undefined) {
        const created = await call(options.routes, 'POST', '/api/v1/conversations', {}, undefined, ask.signal);
        id = (created.json as { id: string }).id;
        conversations.set(ask.conversationId, id);
        // Remember a bounded number of contexts; a forgotten one starts a new conversation.
        if (conversations.size > MAX_CONTEXTS) conversations.delete(conversations.keys().next().value as string);
      }
      // The twin routes every question itself; a peer's expert skill is passed as a hint in the text.
      const question = ask.expert === undefined ? text : `(for the ${ask.expert} expert) ${text}`;
      const response = await call(options.routes, 'POST', '/api/v1/conversations/:id/messages', { id }, { text: question }, ask.signal);
      if (response.stream === undefined) throw new HearthError('HEARTH_ERR_INTERNAL', 'The twin answered a message without a stream.');
      yield* readTurnEvents(response.stream);
    },
  };
}
