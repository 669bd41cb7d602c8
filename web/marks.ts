// Performance marks of a page load (hearth:script, hearth:rows,
// hearth:socket-open, hearth:live), each set once: the browser's own
// timeline then shows where a cold load spends its time, and the
// benchmark reads them (testing/bench/mission-control/cold-load.ts).
const done = new Set<string>();

export function markOnce(name: 'script' | 'rows' | 'socket-open' | 'live'): void {
  if (done.has(name)) return;
  done.add(name);
  performance.mark(`hearth:${name}`);
}

/**
 * Runs `work` once the frame being prepared has been painted (a task after the next animation frame),
 * so that it does not delay that paint; at once (as a task) while the page is hidden and paints nothing.
 */
export function afterNextPaint(work: () => void): void {
  if (document.visibilityState === 'hidden') {
    window.setTimeout(work, 0);
    return;
  }
  requestAnimationFrame(() => window.setTimeout(work, 0));
}
