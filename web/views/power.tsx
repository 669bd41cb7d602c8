// Power: every managed service, its idle time and threshold, the last cold
// start as a bar chart of its phases; set the threshold, sleep or wake.
import type { Actions } from '../actions.js';
import type { State } from '../store.js';
import type { ColdStart, PowerService } from '../types.js';
import { duration } from './format.js';

const PHASES = ['scale_requested', 'allocation_running', 'healthy', 'first_byte'] as const;
const PHASE_LABELS: Record<string, string> = { scale_requested: 'scale requested', allocation_running: 'allocation running', healthy: 'healthy', first_byte: 'first byte' };

function ColdStartChart({ coldStart }: { coldStart: ColdStart }) {
  const total = Math.max(1, ...PHASES.map((p) => coldStart.phasesMs[p] ?? 0));
  let previous = 0;
  return (
    <figure class="chart">
      <figcaption>Last cold start ({coldStart.trigger}), {new Date(coldStart.startedAt).toLocaleString()}{coldStart.error === undefined ? '' : `: ${coldStart.error}`}</figcaption>
      <ol class="bars">
        {PHASES.map((phase) => {
          const at = coldStart.phasesMs[phase];
          if (at === undefined) return <li key={phase} class="bar-row"><span class="bar-label">{PHASE_LABELS[phase]}</span><span class="muted">not reached</span></li>;
          const step = at - previous;
          const left = (previous / total) * 100;
          previous = at;
          return (
            <li key={phase} class="bar-row">
              <span class="bar-label">{PHASE_LABELS[phase]}</span>
              <span class="bar-track"><span class={`bar bar-${phase}`} style={{ marginLeft: `${left}%`, width: `${Math.max(0.5, (step / total) * 100)}%` }} /></span>
              <span class="bar-value">+{duration(step)} (at {duration(at)})</span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

function ServiceCard({ service, canAct, actions }: { service: PowerService; canAct: boolean; actions: Actions }) {
  const inputId = `idle-${service.service}`;
  return (
    <article class="card" data-service={service.service}>
      <h3>{service.service} <span class={`badge badge-${service.state}`}>{service.state}</span></h3>
      <dl class="facts">
        <dt>Job / group</dt><dd>{service.jobId} / {service.group}</dd>
        <dt>Idle for</dt><dd>{duration(service.idleForMs)}</dd>
        <dt>Idle threshold</dt><dd data-testid="idle-timeout">{duration(service.idleTimeoutMs)} <span class="muted">({service.idleTimeoutSource})</span></dd>
        <dt>Held connections</dt><dd>{service.heldConnections}</dd>
        <dt>Wakes</dt><dd>{service.wakeCount ?? 0}</dd>
      </dl>
      {service.lastColdStart !== undefined ? <ColdStartChart coldStart={service.lastColdStart} /> : <p class="muted">No cold start yet.</p>}
      {canAct && (
        <div class="actions">
          <form onSubmit={(e) => {
            e.preventDefault();
            const value = (e.currentTarget.elements.namedItem('timeout') as HTMLInputElement).value.trim();
            if (value !== '') void actions.setIdleTimeout(service.service, value);
          }}>
            <label for={inputId}>Idle threshold</label>
            <input id={inputId} name="timeout" placeholder="e.g. 10m" pattern="[0-9]+(ms|s|m|h)" title="a duration such as 90s, 10m or 1h" required />
            <button type="submit">Set</button>
          </form>
          <button type="button" disabled={service.state !== 'awake'} onClick={() => void actions.sleep(service.service)}>Sleep</button>
          <button type="button" disabled={service.state !== 'sleeping'} onClick={() => void actions.wake(service.service)}>Wake</button>
        </div>
      )}
    </article>
  );
}

export function PowerView({ state, canAct, actions }: { state: State; canAct: boolean; actions: Actions }) {
  return (
    <section aria-labelledby="power-title">
      <h2 id="power-title">Power</h2>
      {state.powerError !== undefined && <p class="muted">{state.powerError}</p>}
      {state.powerError === undefined && state.power.length === 0 && <p class="empty">No power-managed services.</p>}
      <div class="grid">
        {state.power.map((s) => <ServiceCard key={s.service} service={s} canAct={canAct} actions={actions} />)}
      </div>
    </section>
  );
}
