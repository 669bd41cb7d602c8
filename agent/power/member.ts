// One managed service as the manager holds it: its policy, its power state,
// its idle tracker, the hold listener while it sleeps, its last cold start and
// its last failure.
import type { ColdStartRecorder } from './cold-start.js';
import type { HoldServer } from './hold-server.js';
import type { IdleTracker } from './idle-tracker.js';
import type { PowerUnit } from './policy.js';
import type { TransitionError } from './status.js';
import type { PowerState } from './vocabulary.js';

export interface Member {
  unit: PowerUnit;
  state: PowerState;
  readonly tracker: IdleTracker;
  hold: HoldServer | undefined;
  holdFd: number | undefined;
  lastColdStart: ColdStartRecorder | undefined;
  lastError: TransitionError | undefined;
}

export function relayTarget(member: Member, address: string): { host: string; port: number } {
  return { host: address, port: member.unit.port };
}
