// The page: header (agent, connection, session), navigation, the chosen view.
import type { Actions } from '../actions.js';
import type { State } from '../store.js';
import { ApprovalsView } from './approvals.js';
import { ClusterView } from './cluster.js';
import { ConversationView } from './conversation.js';
import { LogView } from './log.js';
import { MemoryView } from './memory.js';
import { PowerView } from './power.js';

export const VIEWS = ['cluster', 'power', 'conversation', 'log', 'approvals', 'memory'] as const;
export type ViewName = (typeof VIEWS)[number];
const TITLES: Record<ViewName, string> = { cluster: 'Cluster', power: 'Power', conversation: 'Conversation', log: 'Log', approvals: 'Approvals', memory: 'Memory' };

function SignIn({ actions, state }: { actions: Actions; state: State }) {
  return (
    <main id="main" class="signin">
      <h1>hearth Mission Control</h1>
      <form class="card" onSubmit={(e) => {
        e.preventDefault();
        const field = e.currentTarget.elements.namedItem('token') as HTMLInputElement;
        const token = field.value;
        void actions.signIn(token).then((ok) => { if (ok) field.value = ''; else field.select(); });
      }}>
        <h2>Sign in</h2>
        <p>Enter this agent's API token (api.token or HEARTH_API_TOKEN). It is exchanged for a session cookie and not kept by the page.</p>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <button type="submit" class="primary">Sign in</button>
        {state.notice?.tone === 'error' && <p class="error" role="alert">{state.notice.text}</p>}
      </form>
    </main>
  );
}

function ConnectionState({ state }: { state: State }) {
  const c = state.connection;
  const text = c.state === 'open' ? 'live' : c.state === 'connecting' ? 'connecting…' : `disconnected: ${c.reason}; retrying in ${Math.ceil(c.retryInMs / 1000)} s`;
  return <span class={`connection connection-${c.state}`} role="status" data-testid="connection">{text}</span>;
}

export function App({ state, view, actions }: { state: State; view: ViewName; actions: Actions }) {
  const session = state.session;
  if (session === undefined) return <main id="main"><p role="status">Loading…</p></main>;
  if (session.tokenConfigured && !session.signedIn) return <SignIn actions={actions} state={state} />;
  const canAct = session.signedIn;
  const pending = Object.values(state.approvals).filter((a) => a.status === 'pending').length;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <h1>hearth <span class="muted">{state.node}</span></h1>
        <ConnectionState state={state} />
        {canAct ? <button type="button" onClick={() => void actions.signOut()}>Sign out</button> : <span class="readonly" role="note">Read-only: this agent has no API token configured, so nothing can be changed here.</span>}
      </header>
      {state.connection.state === 'closed' && <div class="banner banner-down" role="alert">Disconnected from the agent. What you see may be out of date; reconnecting by itself.</div>}
      <nav aria-label="Views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v}><a href={`#${v}`} aria-current={v === view ? 'page' : undefined}>{TITLES[v]}{v === 'approvals' && pending > 0 && <span class="count" aria-label={`${pending} pending`}>{pending}</span>}</a></li>
          ))}
        </ul>
      </nav>
      {state.notice !== undefined && (
        <div class={`notice notice-${state.notice.tone}`} role={state.notice.tone === 'error' ? 'alert' : 'status'}>
          <span>{state.notice.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => actions.dismissNotice()}>×</button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {view === 'cluster' && <ClusterView state={state} />}
        {view === 'power' && <PowerView state={state} canAct={canAct} actions={actions} />}
        {view === 'conversation' && <ConversationView state={state} canAct={canAct} actions={actions} />}
        {view === 'log' && <LogView state={state} />}
        {view === 'approvals' && <ApprovalsView state={state} canAct={canAct} actions={actions} />}
        {view === 'memory' && <MemoryView state={state} canAct={canAct} actions={actions} />}
      </main>
    </>
  );
}
