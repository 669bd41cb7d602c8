// A new approval request is announced: in the page's title, and as a system
// notification when the person allowed them.
import type { Store } from './store.js';

export function watchApprovals(store: Store): void {
  const seen = new Set<string>();
  const loadedAt = Date.now();
  store.subscribe(() => {
    const approvals = Object.values(store.get().approvals);
    const pending = approvals.filter((a) => a.status === 'pending');
    document.title = pending.length > 0 ? `(${pending.length}) hearth Mission Control` : 'hearth Mission Control';
    for (const a of pending) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      // Requests already waiting when the page opened are listed, not announced.
      if (Date.parse(a.requestedAt) < loadedAt - 2000) continue;
      store.dispatch({ type: 'notice', notice: { text: `Approval requested: ${a.tool}`, tone: 'info' } });
      if ('Notification' in window && Notification.permission === 'granted') new Notification('hearth: approval requested', { body: a.tool, tag: a.id });
      else if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
    }
  });
}
