// The time the power manager reads and the timers it sets, injected so that
// tests can move time themselves instead of sleeping to prove a negative.
import { setTimeout as sleepFor } from 'node:timers/promises';

export interface TimerHandle {
  /** Lets the process exit while the timer is pending (a no-op for test clocks). */
  unref(): void;
}

export interface Clock {
  /** Wall-clock milliseconds (Date.now()). */
  now(): number;
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(timer: TimerHandle): void;
  setInterval(run: () => void, ms: number): TimerHandle;
  clearInterval(timer: TimerHandle): void;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
  sleep: (ms, signal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal }),
};
