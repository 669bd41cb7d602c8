// Waits used while a service wakes or sleeps: poll a condition until it holds
// or the deadline passes. Polling happens only during a transition (a few
// seconds), never to detect traffic.
import { HearthError } from '../errors.js';
import type { Clock } from './clock.js';
import type { NomadPort } from './ports.js';

export async function waitUntil(clock: Clock, what: string, deadlineMs: number, pollMs: number, check: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
  let lastError: unknown;
  while (clock.now() < deadlineMs) {
    if (signal?.aborted === true) throw new HearthError('HEARTH_ERR_POWER', `Stopped while waiting for ${what}.`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await clock.sleep(pollMs, signal).catch(() => undefined);
  }
  throw new HearthError('HEARTH_ERR_TIMEOUT', `Timed out waiting for ${what}.`, lastError === undefined ? {} : { cause: lastError });
}

/** True once `count` allocations of the group are running on the client. */
export async function isGroupRunning(nomad: NomadPort, jobId: string, group: string, count: number): Promise<boolean> {
  const allocations = await nomad.jobs.allocations(jobId);
  const running = allocations.filter(
    (alloc) => alloc.TaskGroup === group && alloc.DesiredStatus === 'run' && alloc.ClientStatus === 'running',
  );
  return running.length >= count;
}
