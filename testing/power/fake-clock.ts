// A clock whose time moves only when a test moves it, for the power manager's
// unit tests: "still awake after 1.5 s" becomes exact instead of a real sleep.
// Timers fire in due order as time is advanced; between firings the real event
// loop runs briefly, so I/O the fired work started (a loopback connect, a file
// read) completes as it would have.
import { setTimeout as realSleep } from 'node:timers/promises';
import type { Clock, TimerHandle } from '../../agent/power/clock.js';

interface Timer {
  readonly id: number;
  due: number;
  readonly every: number | undefined;
  readonly run: () => void;
}

export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): Promise<void>;
  /** Advances `stepMs` at a time until `done()` holds; throws after `limitMs` of fake time. */
  advanceUntil(what: string, done: () => boolean, options?: { stepMs?: number; limitMs?: number }): Promise<void>;
  pendingTimers(): number;
}

/** Lets real I/O progress: a few event-loop turns including a short real timer. */
async function letIoRun(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  await realSleep(1);
}

export function createFakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const handle = (id: number): TimerHandle & { id: number } => ({ id, unref: () => undefined });
  const add = (run: () => void, ms: number, every: number | undefined) => {
    const id = nextId;
    nextId += 1;
    timers.set(id, { id, due: now + Math.max(0, ms), every, run });
    return handle(id);
  };
  const cancel = (timer: TimerHandle) => void timers.delete((timer as unknown as { id: number }).id);

  const clock: FakeClock = {
    now: () => now,
    setTimeout: (run, ms) => add(run, ms, undefined),
    clearTimeout: cancel,
    setInterval: (run, ms) => add(run, ms, Math.max(1, ms)),
    clearInterval: cancel,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) return reject(signal.reason);
        const timer = add(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms, undefined);
        const onAbort = () => {
          cancel(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.values()].filter((timer) => timer.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (due === undefined) break;
        now = Math.max(now, due.due);
        if (due.every === undefined) timers.delete(due.id);
        else due.due += due.every;
        due.run();
        await letIoRun();
      }
      now = target;
      await letIoRun();
    },
    async advanceUntil(what, done, options = {}) {
      const step = options.stepMs ?? 20;
      const limit = now + (options.limitMs ?? 60_000);
      while (!done()) {
        if (now >= limit) throw new Error(`fake time ran ${options.limitMs ?? 60_000} ms without ${what}`);
        await clock.advance(step);
      }
    },
    pendingTimers: () => timers.size,
  };
  return clock;
}
