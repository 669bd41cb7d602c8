// Memory: short-term turns of the open conversation, long-term memories
// (search), save to a file, load from one (with a summary before applying),
// clear short-term memory.
import type { Actions } from '../actions.js';
import type { State } from '../store.js';
import { json, time } from './format.js';

function Summary({ summary }: { summary: unknown }) {
  const body = (summary as { summary?: unknown } | undefined)?.summary ?? summary;
  if (typeof body !== 'object' || body === null) return <p>{String(body)}</p>;
  return (
    <dl class="facts" data-testid="import-summary">
      {Object.entries(body as Record<string, unknown>).filter(([k]) => k !== 'dryRun').map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{typeof v === 'object' ? json(v) : String(v)}</dd>])}
    </dl>
  );
}

export function MemoryView({ state, canAct, actions }: { state: State; canAct: boolean; actions: Actions }) {
  return (
    <section aria-labelledby="memory-title">
      <h2 id="memory-title">Memory</h2>
      <div class="toolbar">
        <button type="button" disabled={!canAct} onClick={() => void actions.exportMemory()}>Save to a file</button>
        <label class="button" for="memory-file">Load from a file</label>
        <input id="memory-file" class="visually-hidden" type="file" accept="application/json,.json" disabled={!canAct}
          onChange={(e) => { const file = e.currentTarget.files?.[0]; e.currentTarget.value = ''; if (file !== undefined) void actions.previewImport(file); }} />
        <button type="button" class="danger" disabled={!canAct} onClick={() => void actions.clearShortTerm()}>Clear short-term memory</button>
      </div>
      {state.memoryImport !== undefined && (
        <div class="card" role="dialog" aria-labelledby="import-title">
          <h3 id="import-title">Loading {state.memoryImport.fileName} will change:</h3>
          <Summary summary={state.memoryImport.summary} />
          <div class="actions">
            <button type="button" class="primary" onClick={() => void actions.applyImport()}>Apply</button>
            <button type="button" onClick={() => actions.cancelImport()}>Cancel</button>
          </div>
        </div>
      )}
      <div class="grid">
        <div class="card">
          <h3>Short-term <span class="count">{state.shortTerm.length}</span></h3>
          {state.currentConversation === undefined && <p class="muted">Open a conversation to see its turns.</p>}
          <ol class="memory-list" data-testid="short-term">
            {state.shortTerm.map((t, i) => <li key={i}><span class="who">{t.role}</span> {t.text} <span class="muted">{time(t.at)}</span></li>)}
          </ol>
        </div>
        <div class="card">
          <h3>Long-term <span class="count">{state.longTerm.length}</span></h3>
          <form role="search" onSubmit={(e) => { e.preventDefault(); void actions.loadMemory((e.currentTarget.elements.namedItem('q') as HTMLInputElement).value); }}>
            <label for="memory-q">Search</label>
            <input id="memory-q" name="q" type="search" placeholder="what the twin remembers" />
            <button type="submit">Search</button>
          </form>
          <ol class="memory-list" data-testid="long-term">
            {state.longTerm.map((m) => <li key={m.id}>{m.text}{m.score === undefined ? '' : <span class="muted"> ({m.score.toFixed(2)})</span>}</li>)}
          </ol>
        </div>
      </div>
    </section>
  );
}
