// Stops one part, but never waits longer than its deadline: a backend that
// hangs must not keep a stopping agent alive.
import type { Logger } from '../log.js';

export async function stopWithin(name: string, deadlineMs: number, stop: () => Promise<void> | void, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(stop).then(() => 'done' as const), deadline]);
    if (result === 'late') log.warn({ part: name, deadlineMs }, 'part did not stop in time');
  } catch (err) {
    log.warn({ err, part: name }, 'part failed to stop cleanly');
  } finally {
    clearTimeout(timer);
  }
}
