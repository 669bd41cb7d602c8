// Log: every conversation event on this agent, newest first, filterable by text and kind.
import { useState } from 'preact/hooks';
import type { State } from '../store.js';
import { time } from './format.js';

const KINDS = ['all', 'turns', 'routing', 'tools', 'approvals', 'memory'] as const;
const MATCH: Record<(typeof KINDS)[number], (kind: string) => boolean> = {
  all: () => true,
  turns: (k) => ['turn-started', 'done', 'error', 'conversation-created', 'conversation-deleted'].includes(k),
  routing: (k) => ['routed', 'fallback', 'wake'].includes(k),
  tools: (k) => k.startsWith('tool'),
  approvals: (k) => k.startsWith('approval'),
  memory: (k) => k.startsWith('memory'),
};

export function LogView({ state }: { state: State }) {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('all');
  const needle = text.toLowerCase();
  const rows = state.log.filter((e) => MATCH[kind](e.kind) && (needle === '' || e.text.toLowerCase().includes(needle) || (e.conversationId ?? '').includes(needle)));
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Log</h2>
      <div class="toolbar">
        <label for="log-filter">Filter</label>
        <input id="log-filter" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="text or conversation id" />
        <label for="log-kind">Kind</label>
        <select id="log-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as (typeof KINDS)[number])}>
          {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <span class="muted">{rows.length} of {state.log.length}</span>
      </div>
      <table class="log" data-testid="log">
        <thead><tr><th scope="col">Time</th><th scope="col">Conversation</th><th scope="col">Kind</th><th scope="col">What</th></tr></thead>
        <tbody>
          {rows.slice(0, 300).map((e) => (
            <tr key={e.seq}><td class="mono">{time(e.at)}</td><td class="mono">{e.conversationId?.slice(0, 8) ?? ''}</td><td>{e.kind}</td><td>{e.text}</td></tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">Nothing logged yet.</p>}
    </section>
  );
}
