// Stands in for the twin's HTTP API (conversations, approvals, memory) as
// issue 10 describes it, until the real twin lands: an agent module that keeps
// everything in memory and publishes the same bus events (turn, conversation,
// approval, memory). A message streams its answer word by word; a message
// that mentions "restart" asks for approval of a sensitive `restart_service`
// call first; "expire" gives that request a short deadline; "wake" adds a
// wake banner before the answer. Only Mission Control's browser tests use it.
import { randomUUID } from 'node:crypto';
import type { ModuleDeps, ModuleEntry, AgentModule } from '../../agent/daemon/modules.js';
import type { Route, RouteResponse } from '../../agent/http-api/route.js';
import type { ApprovalRecord } from '../../agent/tools/approval-gate.js';
import type { TurnEvent } from '../../agent/twin/events.js';

interface Message { role: 'user' | 'assistant'; text: string; expert?: string; at: string }
interface Conversation { id: string; createdAt: string; messages: Message[] }
interface Memory { id: string; text: string; createdAt: string }

export interface TwinStandInOptions {
  /** How long an approval waits before it is denied (default 60 s; "expire" messages use expireMs). */
  readonly approvalMs?: number;
  readonly expireMs?: number;
  /** Pause between streamed words. */
  readonly wordMs?: number;
}

const bad = (message: string, status = 400): RouteResponse => ({ status, json: { error: { code: status === 404 ? 'HEARTH_ERR_NOT_FOUND' : 'HEARTH_ERR_INVALID_INPUT', message } } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function twinStandIn(options: TwinStandInOptions = {}): ModuleEntry {
  return { name: 'twin', create: (deps) => createTwinStandIn(deps, options) };
}

function createTwinStandIn(deps: ModuleDeps, options: TwinStandInOptions): AgentModule {
  const conversations = new Map<string, Conversation>();
  const approvals = new Map<string, ApprovalRecord>();
  const waiters = new Map<string, (record: ApprovalRecord) => void>();
  let longTerm: Memory[] = [{ id: 'm1', text: 'The rack lives in the garage.', createdAt: new Date().toISOString() }];
  const timers = new Set<NodeJS.Timeout>();
  const who = (req: { principal: { kind: string } }) => (req.principal.kind === 'session' ? 'mission-control' : req.principal.kind);

  function publishApproval(record: ApprovalRecord): void {
    approvals.set(record.id, record);
    deps.events.publish({ topic: 'approval', approval: record });
  }

  function decide(id: string, change: Partial<ApprovalRecord>): ApprovalRecord | undefined {
    const record = approvals.get(id);
    if (record === undefined || record.status !== 'pending') return undefined;
    const next = { ...record, ...change, decidedAt: new Date().toISOString() } as ApprovalRecord;
    publishApproval(next);
    waiters.get(id)?.(next);
    waiters.delete(id);
    return next;
  }

  async function* runTurn(conversation: Conversation, text: string): AsyncGenerator<TurnEvent> {
    const turnId = randomUUID();
    const expert = 'prima-api-general';
    yield { type: 'turn-started', conversationId: conversation.id, turnId, at: new Date().toISOString() };
    yield { type: 'routed', turnId, expert, stage: 'first-stage', reason: 'general question', decisionMs: 3 };
    if (/wake/i.test(text)) {
      yield { type: 'wake', turnId, expert, state: 'waking', phases: [{ name: 'scale-requested', ms: 12 }] };
      await sleep(300);
      yield { type: 'wake', turnId, expert, state: 'awake', phases: [{ name: 'scale-requested', ms: 12 }, { name: 'allocation-running', ms: 180 }, { name: 'healthy', ms: 290 }] };
    }
    let answer = `You said: ${text}. Here is a streamed answer from the stand-in twin.`;
    if (/restart/i.test(text)) {
      const callId = randomUUID();
      const args = { service: 'prima-api-code', reason: text };
      yield { type: 'tool-call', turnId, callId, tool: 'restart_service', args };
      const ms = /expire/i.test(text) ? options.expireMs ?? 3000 : options.approvalMs ?? 60_000;
      const record: ApprovalRecord = {
        id: randomUUID(), tool: 'restart_service', args, caller: { kind: 'twin', conversationId: conversation.id },
        requestedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + ms).toISOString(), status: 'pending',
      };
      const decided = new Promise<ApprovalRecord>((resolve) => waiters.set(record.id, resolve));
      const timer = setTimeout(() => decide(record.id, { status: 'expired' }), ms);
      timers.add(timer);
      publishApproval(record);
      yield { type: 'approval-requested', turnId, callId, approvalId: record.id, tool: record.tool, args, expiresAt: record.expiresAt };
      const outcome = await decided;
      clearTimeout(timer);
      timers.delete(timer);
      const decision = outcome.status === 'pending' ? 'denied' : outcome.status;
      yield { type: 'approval-decided', turnId, callId, approvalId: record.id, decision, ...(outcome.decidedBy === undefined ? {} : { by: outcome.decidedBy }) };
      const ran = decision === 'approved' || decision === 'edited';
      yield { type: 'tool-result', turnId, callId, tool: record.tool, ok: ran, text: ran ? `restarted ${JSON.stringify(outcome.editedArgs ?? args)}` : `not run: ${decision}` };
      answer = ran ? 'The service was restarted.' : `The restart was ${decision}.`;
    }
    const started = Date.now();
    for (const word of answer.split(/(?<= )/)) {
      await sleep(options.wordMs ?? 60);
      yield { type: 'delta', turnId, text: word };
    }
    conversation.messages.push({ role: 'assistant', text: answer, expert, at: new Date().toISOString() });
    yield { type: 'done', turnId, expert, text: answer, finish: 'complete', timings: { totalMs: Date.now() - started } };
  }

  async function* streamTurn(conversation: Conversation, text: string): AsyncGenerator<string> {
    for await (const event of runTurn(conversation, text)) {
      deps.events.publish({ topic: 'turn', conversationId: conversation.id, event });
      yield `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    }
  }

  const routes: Route[] = [
    {
      method: 'POST', path: '/api/v1/conversations', auth: 'token',
      handler: () => {
        const c: Conversation = { id: randomUUID(), createdAt: new Date().toISOString(), messages: [] };
        conversations.set(c.id, c);
        deps.events.publish({ topic: 'conversation', conversationId: c.id, change: 'created' });
        return { status: 201, json: { id: c.id } };
      },
    },
    { method: 'GET', path: '/api/v1/conversations', auth: 'token', handler: () => ({ status: 200, json: { conversations: [...conversations.values()].map((c) => ({ id: c.id, createdAt: c.createdAt, title: c.messages[0]?.text.slice(0, 40) ?? c.id })) } }) },
    {
      method: 'GET', path: '/api/v1/conversations/:id', auth: 'token',
      handler: (req) => {
        const c = conversations.get(req.params['id'] ?? '');
        return c === undefined ? bad('No such conversation.', 404) : { status: 200, json: c };
      },
    },
    {
      method: 'DELETE', path: '/api/v1/conversations/:id', auth: 'token',
      handler: (req) => {
        const id = req.params['id'] ?? '';
        if (!conversations.delete(id)) return bad('No such conversation.', 404);
        deps.events.publish({ topic: 'conversation', conversationId: id, change: 'deleted' });
        return { status: 200, json: { deleted: id } };
      },
    },
    {
      method: 'POST', path: '/api/v1/conversations/:id/messages', auth: 'token',
      handler: (req) => {
        const c = conversations.get(req.params['id'] ?? '');
        if (c === undefined) return bad('No such conversation.', 404);
        const text = (req.body as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.trim() === '') return bad('Expected the body field `text` to be a non-empty string.');
        c.messages.push({ role: 'user', text, at: new Date().toISOString() });
        return { status: 200, stream: streamTurn(c, text) };
      },
    },
    {
      method: 'GET', path: '/api/v1/approvals', auth: 'token',
      handler: (req) => {
        const status = req.query.get('status');
        const all = [...approvals.values()];
        const list = status === 'pending' ? all.filter((a) => a.status === 'pending') : status === 'decided' ? all.filter((a) => a.status !== 'pending') : all;
        return { status: 200, json: { approvals: list } };
      },
    },
    {
      method: 'POST', path: '/api/v1/approvals/:id', auth: 'token',
      handler: (req) => {
        const body = req.body as { decision?: unknown; args?: unknown; reason?: unknown } | undefined;
        const id = req.params['id'] ?? '';
        if (!approvals.has(id)) return bad('No such approval request.', 404);
        const by = who(req);
        let next: ApprovalRecord | undefined;
        if (body?.decision === 'approve') next = decide(id, { status: 'approved', decidedBy: by });
        else if (body?.decision === 'deny') next = decide(id, { status: 'denied', decidedBy: by, reason: typeof body.reason === 'string' ? body.reason : 'denied' });
        else if (body?.decision === 'edit') next = decide(id, { status: 'edited', decidedBy: by, editedArgs: body.args });
        else return bad(`Expected decision to be approve, deny or edit, got ${JSON.stringify(body?.decision)}.`);
        return next === undefined ? bad('The request was already decided.', 409) : { status: 200, json: next };
      },
    },
    { method: 'GET', path: '/api/v1/memory', auth: 'token', handler: () => ({ status: 200, json: { shortTerm: [...conversations.values()].reduce((n, c) => n + c.messages.length, 0), longTerm: longTerm.length } }) },
    {
      method: 'GET', path: '/api/v1/memory/short-term', auth: 'token',
      handler: (req) => ({ status: 200, json: { turns: conversations.get(req.query.get('conversation') ?? '')?.messages ?? [] } }),
    },
    {
      method: 'GET', path: '/api/v1/memory/long-term', auth: 'token',
      handler: (req) => {
        const q = (req.query.get('q') ?? '').toLowerCase();
        return { status: 200, json: { memories: longTerm.filter((m) => m.text.toLowerCase().includes(q)) } };
      },
    },
    {
      method: 'GET', path: '/api/v1/memory/export', auth: 'token',
      handler: () => ({
        status: 200, contentType: 'application/json',
        text: JSON.stringify({ format: 'hearth-memory', version: 1, conversations: [...conversations.values()], longTerm }),
        headers: { 'content-disposition': 'attachment; filename="hearth-memory.json"' },
      }),
    },
    {
      method: 'POST', path: '/api/v1/memory/import', auth: 'token',
      handler: (req) => {
        const body = req.body as { format?: unknown; conversations?: unknown; longTerm?: unknown } | undefined;
        if (body?.format !== 'hearth-memory' || !Array.isArray(body.conversations) || !Array.isArray(body.longTerm)) {
          return bad('Expected a hearth memory file ({"format":"hearth-memory", conversations, longTerm}), got something else.');
        }
        const incoming = body.conversations as Conversation[];
        const summary = {
          conversations: incoming.length,
          turns: incoming.reduce((n, c) => n + c.messages.length, 0),
          longTermMemories: (body.longTerm as unknown[]).length,
          replaces: `${conversations.size} conversations, ${longTerm.length} memories`,
        };
        if (['1', 'true'].includes(req.query.get('dryRun') ?? '')) return { status: 200, json: { summary } };
        conversations.clear();
        for (const c of incoming) conversations.set(c.id, c);
        longTerm = body.longTerm as Memory[];
        deps.events.publish({ topic: 'memory', change: 'loaded' });
        return { status: 200, json: { applied: true, summary } };
      },
    },
    {
      method: 'DELETE', path: '/api/v1/memory/short-term', auth: 'token',
      handler: (req) => {
        const id = req.query.get('conversation');
        for (const c of conversations.values()) if (id === null || c.id === id) c.messages = [];
        deps.events.publish({ topic: 'memory', change: 'cleared' });
        return { status: 200, json: { cleared: true } };
      },
    },
  ];

  return {
    routes,
    start: () => undefined,
    stop: () => {
      for (const t of timers) clearTimeout(t);
      for (const [id] of waiters) decide(id, { status: 'expired' });
    },
  };
}
