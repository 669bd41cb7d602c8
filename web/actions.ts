// What the page does: each function calls the agent and hands the answer to
// the store. Views call these; none of them keeps state of its own.
import { ApiError, type Api } from './api.js';
import type { Store, TranscriptEntry } from './store.js';
import type { ApprovalRecord, ConversationSummary, LongTermMemory, MemoryTurn, PowerService, SessionInfo } from './types.js';

/** A list from an answer that is either the list itself or `{ [key]: list }`. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(value) ? (value as T[]) : [];
}

function toTranscript(body: unknown): TranscriptEntry[] {
  const messages = listOf<{ role?: string; text?: string; content?: string; expert?: string }>(body, 'messages');
  const list = messages.length > 0 ? messages : listOf<{ role?: string; text?: string; content?: string; expert?: string }>(body, 'turns');
  return list.map((m, i) => {
    const text = m.text ?? m.content ?? '';
    if (m.role === 'user') return { kind: 'user', text };
    return { kind: 'turn', turnId: `history-${i}`, text, done: true, tools: [], ...(m.expert === undefined ? {} : { expert: m.expert }) };
  });
}

export interface Actions {
  loadSession(): Promise<SessionInfo>;
  signIn(token: string): Promise<boolean>;
  signOut(): Promise<void>;
  /** Everything the views read over HTTP once (on each connect); later changes come over the socket. */
  loadAll(): Promise<void>;
  loadPower(): Promise<void>;
  setIdleTimeout(service: string, timeout: string): Promise<void>;
  sleep(service: string): Promise<void>;
  wake(service: string): Promise<void>;
  newConversation(): Promise<string | undefined>;
  openConversation(id: string): Promise<void>;
  sendMessage(text: string): Promise<void>;
  decide(id: string, decision: 'approve' | 'deny' | 'edit', extra?: { args?: unknown; reason?: string }): Promise<void>;
  loadMemory(query?: string): Promise<void>;
  exportMemory(): Promise<void>;
  previewImport(file: File): Promise<void>;
  applyImport(): Promise<void>;
  cancelImport(): void;
  dismissNotice(): void;
  clearShortTerm(): Promise<void>;
}

const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

export function createActions(store: Store, api: Api, onSessionChange: () => void): Actions {
  const notify = (text: string, tone: 'info' | 'error' = 'info') => store.dispatch({ type: 'notice', notice: { text, tone } });
  const failed = (what: string) => (err: unknown) => {
    notify(`${what}: ${err instanceof Error ? err.message : String(err)}`, 'error');
  };
  const quietly = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      // A part of the agent that is not there (404) simply shows nothing.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  };

  const actions: Actions = {
    async loadSession() {
      const session = await api.get<SessionInfo>('/api/v1/session');
      store.dispatch({ type: 'session', session });
      return session;
    },
    async signIn(token) {
      try {
        const session = await api.send<SessionInfo>('POST', '/api/v1/session', { token });
        store.dispatch({ type: 'session', session });
        store.dispatch({ type: 'notice', notice: undefined });
        onSessionChange();
        return true;
      } catch (err) {
        failed('Sign-in refused')(err);
        return false;
      }
    },
    async signOut() {
      await api.send('DELETE', '/api/v1/session').catch(failed('Sign-out failed'));
      await actions.loadSession();
      onSessionChange();
    },
    async loadAll() {
      await Promise.all([
        actions.loadPower(),
        quietly(async () => store.dispatch({ type: 'conversations', conversations: listOf<ConversationSummary>(await api.get('/api/v1/conversations'), 'conversations') })),
        quietly(async () => {
          const [pending, decided] = await Promise.all([
            api.get('/api/v1/approvals?status=pending'),
            api.get('/api/v1/approvals?status=decided'),
          ]);
          store.dispatch({ type: 'approvals', approvals: [...listOf<ApprovalRecord>(pending, 'approvals'), ...listOf<ApprovalRecord>(decided, 'approvals')] });
        }),
        quietly(() => actions.loadMemory()),
      ].map((p) => p.catch(failed('Could not load'))));
    },
    async loadPower() {
      try {
        store.dispatch({ type: 'power', services: listOf<PowerService>(await api.get('/api/v1/power'), 'services') });
      } catch (err) {
        store.dispatch({ type: 'power-error', message: err instanceof ApiError && err.status === 404 ? 'The power manager is off on this agent.' : (err as Error).message });
      }
    },
    async setIdleTimeout(service, timeout) {
      try {
        const status = await api.send<PowerService>('PUT', `/api/v1/power/${encodeURIComponent(service)}/idle`, { timeout });
        store.dispatch({ type: 'power-service', status });
        notify(`Idle threshold of ${service} set to ${timeout}.`);
      } catch (err) {
        failed(`Could not set the idle threshold of ${service}`)(err);
      }
    },
    async sleep(service) {
      notify(`Putting ${service} to sleep…`);
      try {
        store.dispatch({ type: 'power-service', status: await api.send<PowerService>('POST', `/api/v1/power/${encodeURIComponent(service)}/sleep`) });
        notify(`${service} is asleep.`);
      } catch (err) {
        failed(`Could not put ${service} to sleep`)(err);
      }
    },
    async wake(service) {
      notify(`Waking ${service}…`);
      try {
        store.dispatch({ type: 'power-service', status: await api.send<PowerService>('POST', `/api/v1/power/${encodeURIComponent(service)}/wake`) });
        notify(`${service} is awake.`);
      } catch (err) {
        failed(`Could not wake ${service}`)(err);
      }
    },
    async newConversation() {
      try {
        const { id } = await api.send<{ id: string }>('POST', '/api/v1/conversations', {});
        store.dispatch({ type: 'open-conversation', id, transcript: [] });
        return id;
      } catch (err) {
        failed('Could not start a conversation')(err);
        return undefined;
      }
    },
    async openConversation(id) {
      try {
        store.dispatch({ type: 'open-conversation', id, transcript: toTranscript(await api.get(`/api/v1/conversations/${encodeURIComponent(id)}`)) });
        await quietly(() => actions.loadMemory());
      } catch (err) {
        failed('Could not open the conversation')(err);
      }
    },
    async sendMessage(text) {
      let id = store.get().currentConversation;
      id ??= await actions.newConversation();
      if (id === undefined) return;
      store.dispatch({ type: 'user-message', conversationId: id, text });
      // The turn's events arrive over the WebSocket; the streamed answer is read to its end and dropped.
      await api.sendAndDrain(`/api/v1/conversations/${encodeURIComponent(id)}/messages`, { text }).catch(failed('The message was not sent'));
    },
    async decide(id, decision, extra = {}) {
      try {
        const body = { decision, ...(extra.args === undefined ? {} : { args: extra.args }), ...(extra.reason === undefined ? {} : { reason: extra.reason }) };
        const record = await api.send<ApprovalRecord | { approval: ApprovalRecord }>('POST', `/api/v1/approvals/${encodeURIComponent(id)}`, body);
        const approval = 'approval' in record ? record.approval : record;
        if (approval.id !== undefined) store.dispatch({ type: 'approval', approval });
      } catch (err) {
        failed('The decision was not recorded')(err);
      }
    },
    async loadMemory(query) {
      const conversation = store.get().currentConversation;
      const [shortTerm, longTerm] = await Promise.all([
        conversation === undefined ? Promise.resolve([]) : api.get(`/api/v1/memory/short-term?conversation=${encodeURIComponent(conversation)}`),
        api.get(`/api/v1/memory/long-term?q=${encodeURIComponent(query ?? '')}&limit=50`),
      ]);
      store.dispatch({ type: 'memory', shortTerm: listOf<MemoryTurn>(shortTerm, 'turns'), longTerm: listOf<LongTermMemory>(longTerm, 'memories') });
    },
    async exportMemory() {
      try {
        const res = await fetch('/api/v1/memory/export', { credentials: 'same-origin', headers: { 'x-hearth-csrf': store.get().session?.csrf ?? '' } });
        if (!res.ok) throw new ApiError(res.status, 'HEARTH_ERR_HTTP', `The agent answered ${res.status}.`);
        const blob = await res.blob();
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `hearth-memory-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
        notify('Memory saved to a file.');
      } catch (err) {
        failed('Could not save the memory')(err);
      }
    },
    async previewImport(file) {
      if (file.size > MAX_IMPORT_BYTES) {
        notify(`Expected a memory file of at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, got ${(file.size / 1024 / 1024).toFixed(1)} MiB (${file.name}). Nothing changed.`, 'error');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(await file.text());
      } catch (err) {
        notify(`Expected a memory file saved by hearth (JSON), got something else in ${file.name}: ${(err as Error).message}. Nothing changed.`, 'error');
        return;
      }
      try {
        const summary = await api.send<unknown>('POST', '/api/v1/memory/import?dryRun=1', body);
        store.dispatch({ type: 'memory-import', pending: { summary, fileName: file.name, body } });
      } catch (err) {
        failed(`${file.name} was refused; nothing changed`)(err);
      }
    },
    async applyImport() {
      const pending = store.get().memoryImport;
      if (pending === undefined) return;
      try {
        await api.send('POST', '/api/v1/memory/import', pending.body);
        store.dispatch({ type: 'memory-import', pending: undefined });
        await actions.loadMemory();
        notify(`Memory loaded from ${pending.fileName}.`);
      } catch (err) {
        failed('Could not load the memory')(err);
      }
    },
    dismissNotice() {
      store.dispatch({ type: 'notice', notice: undefined });
    },
    cancelImport() {
      store.dispatch({ type: 'memory-import', pending: undefined });
      notify('Nothing was loaded.');
    },
    async clearShortTerm() {
      try {
        const conversation = store.get().currentConversation;
        await api.send('DELETE', `/api/v1/memory/short-term${conversation === undefined ? '' : `?conversation=${encodeURIComponent(conversation)}`}`);
        await actions.loadMemory();
        notify('Short-term memory cleared.');
      } catch (err) {
        failed('Could not clear short-term memory')(err);
      }
    },
  };
  return actions;
}
