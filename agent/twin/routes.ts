// The twin's HTTP API: conversations (a message answers as server-sent
// TurnEvents), approvals, memory and prompts. Every route needs the API token
// (or a signed-in page session, which the server resolves into the principal).
import { HearthError, isHearthError } from '../errors.js';
import type { Principal, Route, RouteRequest, RouteResponse } from '../http-api/route.js';
import type { ApprovalStore, DecisionInput } from './approvals/store.js';
import type { TurnEvent } from './events.js';
import type { MemoryFile } from './memory/memory-file.js';
import type { LongTermMemory } from './memory/long-term.js';
import type { ConversationStore } from './memory/conversations.js';
import type { PromptLibrary, PromptValues } from './prompts.js';
import type { Twin, TurnStream } from './twin.js';

export interface TwinRouteDeps {
  readonly twin: Twin;
  readonly approvals: ApprovalStore;
  readonly conversations: ConversationStore;
  readonly longTerm: LongTermMemory;
  readonly prompts: PromptLibrary;
  readonly memoryFile: {
    export(): MemoryFile;
    import(raw: unknown, dryRun: boolean, source: string): unknown;
  };
  /** The placeholders' values; TOOLS may wait for the tool pipeline to be built. */
  readonly promptValues: (model: string | undefined) => PromptValues | Promise<PromptValues>;
  readonly shortTermTurns: number;
}

/** Who decided, for the audit log: never the token itself. */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'token':
      return 'api token';
    case 'session':
      return `page session ${principal.sessionId.slice(0, 8)}`;
    case 'anonymous':
      return 'anonymous';
  }
}

export function sseFrame(event: TurnEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** One write per burst: the events already waiting go out with the one that woke the writer. */
async function* sse(events: TurnStream): AsyncIterable<string> {
  for await (const event of events) {
    let frames = sseFrame(event);
    for (const more of events.drain()) frames += sseFrame(more);
    yield frames;
  }
}

const json = (status: number, body: unknown): RouteResponse => ({ status, json: body });

/** Maps a refusal the server's table does not know (a decision on a decided request is a conflict). */
function guarded(handler: (req: RouteRequest) => RouteResponse | Promise<RouteResponse>) {
  return async (req: RouteRequest): Promise<RouteResponse> => {
    try {
      return await handler(req);
    } catch (err) {
      if (isHearthError(err) && err.details['conflict'] === true) return json(409, { error: { code: err.code, message: err.message } });
      if (isHearthError(err, 'HEARTH_ERR_STATE')) return json(500, { error: { code: err.code, message: err.message } });
      throw err;
    }
  };
}

function bodyObject(req: RouteRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', 'Expected a JSON object as the request body.', { details: { source: 'request body' } });
  }
  return req.body as Record<string, unknown>;
}

function decisionFrom(body: Record<string, unknown>): DecisionInput {
  const decision = body['decision'];
  const reason = body['reason'];
  if (reason !== undefined && typeof reason !== 'string') throw new HearthError('HEARTH_ERR_INVALID_INPUT', 'Expected `reason` to be a string.');
  if (decision === 'approve') return { decision: 'approve' };
  if (decision === 'deny') return { decision: 'deny', ...(reason === undefined ? {} : { reason }) };
  if (decision === 'edit') {
    if (body['args'] === undefined) throw new HearthError('HEARTH_ERR_INVALID_INPUT', 'Expected `args` with the edited arguments for decision "edit".');
    return { decision: 'edit', args: body['args'], ...(reason === undefined ? {} : { reason }) };
  }
  throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected \`decision\` to be "approve", "deny" or "edit", got ${JSON.stringify(decision) ?? 'nothing'}.`, { details: { name: 'decision' } });
}

function positiveInt(value: string | null, name: string, fallback: number, max: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected \`${name}\` to be an integer from 1 to ${max}, got ${JSON.stringify(value)}.`, { details: { name } });
  return n;
}

export function createTwinRoutes(deps: TwinRouteDeps): Route[] {
  const { twin, approvals } = deps;
  const id = (req: RouteRequest) => req.params['id'] ?? '';
  return [
    { method: 'POST', path: '/api/v1/conversations', auth: 'token', handler: () => json(201, twin.createConversation()) },
    { method: 'GET', path: '/api/v1/conversations', auth: 'token', handler: () => json(200, { conversations: twin.listConversations() }) },
    {
      method: 'GET',
      path: '/api/v1/conversations/:id',
      auth: 'token',
      handler: (req) => {
        const { conversation, turns } = twin.getConversation(id(req));
        return json(200, { ...conversation, turns });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/conversations/:id',
      auth: 'token',
      handler: (req) => {
        twin.deleteConversation(id(req));
        return json(200, { deleted: id(req) });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/conversations/:id/messages',
      auth: 'token',
      handler: (req) => {
        const body = bodyObject(req);
        const events = twin.send(id(req), body['text'], { signal: req.signal });
        return { status: 200, stream: sse(events), contentType: 'text/event-stream; charset=utf-8', headers: { 'x-accel-buffering': 'no' } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/approvals',
      auth: 'token',
      handler: (req) => {
        const status = req.query.get('status');
        if (status !== null && status !== 'pending' && status !== 'decided') {
          throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected \`status\` to be "pending" or "decided", got ${JSON.stringify(status)}.`);
        }
        return json(200, { approvals: approvals.list(status ?? undefined) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/approvals/:id',
      auth: 'token',
      handler: (req) => {
        const record = approvals.get(id(req));
        if (record === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `No approval request ${JSON.stringify(id(req))}.`);
        return json(200, record);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/approvals/:id',
      auth: 'token',
      handler: guarded(async (req) => json(200, await approvals.decide(id(req), decisionFrom(bodyObject(req)), describePrincipal(req.principal)))),
    },
    { method: 'GET', path: '/api/v1/memory', auth: 'token', handler: () => json(200, twin.memorySummary()) },
    {
      method: 'GET',
      path: '/api/v1/memory/short-term',
      auth: 'token',
      handler: (req) => {
        const conversation = req.query.get('conversation');
        if (conversation === null) return json(200, { conversations: twin.memorySummary().shortTerm });
        deps.conversations.require(conversation);
        return json(200, { conversation, turns: deps.conversations.shortTerm(conversation, deps.shortTermTurns) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/memory/short-term',
      auth: 'token',
      handler: (req) => json(200, { removed: twin.clearShortTerm(req.query.get('conversation') ?? undefined) }),
    },
    {
      method: 'GET',
      path: '/api/v1/memory/long-term',
      auth: 'token',
      handler: (req) => {
        const limit = positiveInt(req.query.get('limit'), 'limit', 10, 200);
        const q = req.query.get('q');
        return json(200, { memories: q === null || q.trim() === '' ? deps.longTerm.list(limit) : deps.longTerm.search(q, limit), total: deps.longTerm.count() });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/memory/long-term',
      auth: 'token',
      handler: () => json(200, { removed: twin.clearLongTerm() }),
    },
    { method: 'GET', path: '/api/v1/memory/export', auth: 'token', handler: () => ({ status: 200, json: deps.memoryFile.export(), headers: { 'content-disposition': 'attachment; filename="hearth-memory.json"' } }) },
    {
      method: 'POST',
      path: '/api/v1/memory/import',
      auth: 'token',
      handler: (req) => {
        const dryRun = req.query.get('dryRun') === '1' || req.query.get('dryRun') === 'true';
        return json(200, deps.memoryFile.import(req.body, dryRun, 'the request body'));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/prompts',
      auth: 'token',
      handler: () =>
        json(200, {
          prompts: deps.prompts.list().map((p) => ({ name: p.name, description: p.description, keywords: p.keywords, placeholders: p.placeholders, file: p.file })),
          problems: deps.prompts.problems(),
        }),
    },
    {
      method: 'GET',
      path: '/api/v1/prompts/:name',
      auth: 'token',
      handler: async (req) => {
        const name = req.params['name'] ?? '';
        const persona = deps.prompts.get(name);
        if (persona === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `No persona ${JSON.stringify(name)}; see GET /api/v1/prompts.`);
        const model = req.query.get('model') ?? undefined;
        const values = await deps.promptValues(model);
        return json(200, { name, description: persona.description, template: persona.template, rendered: deps.prompts.render(name, values) });
      },
    },
  ];
}
