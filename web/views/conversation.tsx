// Conversation: talk to the twin; answers stream in as deltas arrive over the
// WebSocket, with the expert that answered, a wake banner and tool calls inline.
import type { Actions } from '../actions.js';
import type { State, ToolCall, TranscriptEntry, TurnView } from '../store.js';
import { json, time } from './format.js';

function Tool({ call }: { call: ToolCall }) {
  return (
    <details class="tool" open>
      <summary>Tool <strong>{call.tool}</strong>{call.approval !== undefined && <span class={`badge badge-${call.approval}`}>{call.approval}</span>}</summary>
      <pre class="mono">{json(call.args)}</pre>
      {call.progress !== undefined && <p class="muted">{call.progress}</p>}
      {call.result !== undefined && <pre class={call.result.ok ? 'result' : 'result failed'}>{call.result.text}</pre>}
    </details>
  );
}

function Turn({ turn }: { turn: TurnView }) {
  return (
    <li class="msg msg-twin" data-turn={turn.turnId} aria-busy={!turn.done}>
      <div class="who">{turn.expert === undefined ? 'twin' : `twin via ${turn.expert}`}</div>
      {turn.wake !== undefined && turn.wake.state !== 'awake' && (
        <div class="banner" role="status">
          Waking {turn.wake.expert}{turn.wake.state === 'failed' ? ' failed' : '…'} {turn.wake.phases.map((p) => `${p.name} ${p.ms} ms`).join(' · ')}
        </div>
      )}
      {turn.wake?.state === 'awake' && <div class="muted">{turn.wake.expert} woke: {turn.wake.phases.map((p) => `${p.name} ${p.ms} ms`).join(' · ')}</div>}
      {turn.tools.map((c) => <Tool key={c.callId} call={c} />)}
      <p class="text" data-testid="answer">{turn.text}{!turn.done && <span class="cursor" aria-hidden="true">▍</span>}</p>
      {turn.error !== undefined && <p class="error" role="alert">{turn.error}</p>}
    </li>
  );
}

function Entry({ entry }: { entry: TranscriptEntry }) {
  if (entry.kind === 'user') return <li class="msg msg-user"><div class="who">you</div><p class="text">{entry.text}</p></li>;
  return <Turn turn={entry} />;
}

export function ConversationView({ state, canAct, actions }: { state: State; canAct: boolean; actions: Actions }) {
  const current = state.currentConversation;
  const entries = current === undefined ? [] : state.transcripts[current] ?? [];
  return (
    <section aria-labelledby="conversation-title" class="conversation">
      <h2 id="conversation-title">Conversation</h2>
      <div class="toolbar">
        <button type="button" disabled={!canAct} onClick={() => void actions.newConversation()}>New conversation</button>
        <label for="pick-conversation">Older conversations</label>
        <select id="pick-conversation" value={current ?? ''} onChange={(e) => { const id = e.currentTarget.value; if (id !== '') void actions.openConversation(id); }}>
          <option value="">{state.conversations.length === 0 ? 'none yet' : 'pick one…'}</option>
          {state.conversations.map((c) => <option key={c.id} value={c.id}>{c.title !== undefined && c.title !== '' ? c.title : `started ${time(c.createdAt)}`}</option>)}
        </select>
      </div>
      <ol class="transcript" aria-live="polite" data-testid="transcript">
        {entries.map((e, i) => <Entry key={e.kind === 'turn' ? e.turnId : `u${i}`} entry={e} />)}
      </ol>
      {current === undefined && <p class="empty">Start a conversation or pick an older one.</p>}
      <form class="composer" onSubmit={(e) => {
        e.preventDefault();
        const field = e.currentTarget.elements.namedItem('message') as HTMLTextAreaElement;
        const text = field.value.trim();
        if (text === '') return;
        field.value = '';
        void actions.sendMessage(text);
      }}>
        <label for="message">Message</label>
        <textarea id="message" name="message" rows={2} disabled={!canAct} placeholder={canAct ? 'Ask the twin…' : 'Sign in to talk to the twin'}
          onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); e.currentTarget.form?.requestSubmit(); } }} />
        <button type="submit" disabled={!canAct}>Send</button>
      </form>
    </section>
  );
}
