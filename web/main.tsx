// The page's entry: one store, one WebSocket, one render of the App per burst of changes.
// A cold load opens the socket at once (index.html carries the session) and paints the cluster
// with the socket's hello; what the other views read over HTTP waits until that paint is done.
import { render } from 'preact';
import { createActions } from './actions.js';
import { createApi } from './api.js';
import { createSocket } from './socket.js';
import { createStore, initialState } from './store.js';
import { App, VIEWS, type ViewName } from './views/app.js';
import { watchApprovals } from './notify.js';
import type { SessionInfo } from './types.js';
import { afterNextPaint, markOnce } from './marks.js';

markOnce('script');

const store = createStore(initialState(Date.now()));
const api = createApi(store);
let socket: ReturnType<typeof createSocket> | undefined;
const actions = createActions(store, api, () => connect());

/** While the socket is down, the session is checked again: a page whose session ended shows the sign-in form. */
function recheckSession(): void {
  actions.loadSession().then((session) => {
    if (session.tokenConfigured && !session.signedIn) socket?.stop();
  }, () => undefined);
}

function connect(): void {
  const session = store.get().session;
  if (session === undefined || (session.tokenConfigured && !session.signedIn)) {
    socket?.stop();
    return;
  }
  if (socket === undefined) {
    socket = createSocket(store, () => afterNextPaint(() => {
      revealAllRows();
      void actions.loadAll();
    }), recheckSession);
    socket.start();
  } else {
    socket.restart();
  }
}

function readEmbeddedSession(): SessionInfo | undefined {
  const content = document.querySelector('meta[name="hearth-session"]')?.getAttribute('content') ?? '';
  if (content === '') return undefined;
  try {
    const parsed = JSON.parse(content) as Partial<SessionInfo>;
    if (typeof parsed.tokenConfigured !== 'boolean' || typeof parsed.signedIn !== 'boolean') return undefined;
    return { tokenConfigured: parsed.tokenConfigured, signedIn: parsed.signedIn, ...(typeof parsed.csrf === 'string' ? { csrf: parsed.csrf } : {}) };
  } catch {
    return undefined;
  }
}

function currentView(): ViewName {
  const name = location.hash.slice(1);
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : 'cluster';
}

const root = document.getElementById('app');
let scheduled = false;
let revealTimer: number | undefined;
/** Long tables show their first rows until the page is live and painted; then all of them. */
function revealAllRows(): void {
  if (store.get().firstRowsOnly) store.dispatch({ type: 'all-rows' });
}
function paint(): void {
  scheduled = false;
  if (root === null) return;
  const state = store.get();
  render(<App state={state} view={currentView()} actions={actions} />, root);
  if (state.experts.length > 0 || state.jobs.length > 0) {
    markOnce('rows');
    // Should the socket not come up, the rest of the rows come anyway.
    revealTimer ??= window.setTimeout(revealAllRows, 1000);
  }
}
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(paint);
}
store.subscribe(schedule);
window.addEventListener('hashchange', () => {
  schedule();
  document.getElementById('main')?.focus();
});

// The countdowns move once a second, and only while something is pending.
window.setInterval(() => {
  const state = store.get();
  if (Object.values(state.approvals).some((a) => a.status === 'pending') || state.connection.state === 'closed') store.dispatch({ type: 'tick', now: Date.now() });
}, 1000);

watchApprovals(store);
// The socket opens once the session is known: a page that is not signed in shows the form and asks for nothing.
// The agent puts the session in index.html (no round trip on a cold load); GET /api/v1/session is the fallback.
const embedded = readEmbeddedSession();
if (embedded !== undefined) {
  store.dispatch({ type: 'session', session: embedded });
  connect();
} else {
  paint();
  actions.loadSession().then(connect, () => store.dispatch({ type: 'connection', connection: { state: 'closed', retryInMs: 0, reason: 'the agent does not answer' } }));
}
