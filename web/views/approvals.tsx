// Approvals: pending requests with editable arguments and a countdown to the
// automatic denial; approve, deny, edit-and-approve; the decided ones (audit).
import { useState } from 'preact/hooks';
import type { Actions } from '../actions.js';
import type { State } from '../store.js';
import type { ApprovalRecord } from '../types.js';
import { json, time } from './format.js';

function caller(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value ?? '');
  const c = value as Record<string, unknown>;
  return [c['kind'], c['conversationId'], c['name'], c['id']].filter((v) => typeof v === 'string').join(' ');
}

function Pending({ approval, now, canAct, actions }: { approval: ApprovalRecord; now: number; canAct: boolean; actions: Actions }) {
  const original = json(approval.args);
  const [draft, setDraft] = useState(original);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const left = Math.max(0, Math.ceil((Date.parse(approval.expiresAt) - now) / 1000));
  const argsId = `args-${approval.id}`;
  const approve = () => {
    if (draft === original) return void actions.decide(approval.id, 'approve');
    try {
      const args = JSON.parse(draft) as unknown;
      setProblem(undefined);
      void actions.decide(approval.id, 'edit', { args });
    } catch (err) {
      setProblem(`Expected the arguments to be JSON, got: ${(err as Error).message}`);
    }
  };
  return (
    <article class="card approval" data-approval={approval.id} aria-labelledby={`title-${approval.id}`}>
      <h3 id={`title-${approval.id}`}>{approval.tool}</h3>
      <p class="countdown" data-testid="countdown" aria-live="off">Denied automatically in <strong>{left} s</strong></p>
      <dl class="facts">
        <dt>Asked by</dt><dd>{caller(approval.caller)}</dd>
        <dt>Requested</dt><dd>{time(approval.requestedAt)}</dd>
      </dl>
      {approval.preview !== undefined && <pre class="preview">{approval.preview}</pre>}
      <label for={argsId}>Arguments (JSON, editable)</label>
      <textarea id={argsId} class="mono" rows={Math.min(12, draft.split('\n').length + 1)} value={draft} disabled={!canAct}
        onInput={(e) => setDraft(e.currentTarget.value)} aria-invalid={problem !== undefined} />
      {problem !== undefined && <p class="error" role="alert">{problem}</p>}
      {canAct && (
        <div class="actions">
          <button type="button" class="primary" onClick={approve}>{draft === original ? 'Approve' : 'Approve edited'}</button>
          <button type="button" class="danger" onClick={() => void actions.decide(approval.id, 'deny', { reason: 'denied on Mission Control' })}>Deny</button>
        </div>
      )}
    </article>
  );
}

export function ApprovalsView({ state, canAct, actions }: { state: State; canAct: boolean; actions: Actions }) {
  const all = Object.values(state.approvals);
  const pending = all.filter((a) => a.status === 'pending').sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const decided = all.filter((a) => a.status !== 'pending').sort((a, b) => (b.decidedAt ?? b.requestedAt).localeCompare(a.decidedAt ?? a.requestedAt));
  return (
    <section aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      <h3>Pending <span class="count">{pending.length}</span></h3>
      {pending.length === 0 && <p class="empty">Nothing waits for a decision.</p>}
      <div class="grid">
        {pending.map((a) => <Pending key={a.id} approval={a} now={state.now} canAct={canAct} actions={actions} />)}
      </div>
      <h3>Decided</h3>
      <table data-testid="audit">
        <thead><tr><th scope="col">Tool</th><th scope="col">Decision</th><th scope="col">By</th><th scope="col">When</th><th scope="col">Outcome</th></tr></thead>
        <tbody>
          {decided.map((a) => (
            <tr key={a.id} data-approval={a.id}>
              <td>{a.tool}</td><td><span class={`badge badge-${a.status}`}>{a.status}</span>{a.reason === undefined ? '' : ` (${a.reason})`}</td>
              <td>{a.decidedBy ?? (a.status === 'expired' ? 'timeout' : '')}</td><td>{time(a.decidedAt)}</td>
              <td>{a.outcome === undefined ? '' : `${a.outcome.ok ? 'ok' : 'failed'}: ${a.outcome.summary}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
