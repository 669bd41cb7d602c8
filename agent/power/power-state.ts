// What the power manager must remember across a restart (even kill -9): which
// services it put to sleep, the count each group had before, and idle
// timeouts set by an operator. One atomic JSON document under state.dir.
import { z } from 'zod';
import { openJsonStore, type JsonStore } from '../state/json-store.js';
import { POWER_STATES, readPowerState } from './vocabulary.js';

export const POWER_STATE_FILE = 'power-state.json';
export const POWER_STATE_VERSION = 1;

const serviceRecord = z
  .object({
    // Files written by older versions say "asleep" for "sleeping": read as such, written back in the current word.
    state: z.preprocess((word) => readPowerState(word) ?? word, z.enum(POWER_STATES)),
    /** The group's count before it was put to sleep; what a wake scales back to. */
    wakeCount: z.number().int().min(1).optional(),
    /** An operator's idle timeout (set-idle), in milliseconds; overrides the job's meta. */
    idleTimeoutMs: z.number().int().positive().optional(),
    sleptAt: z.string().optional(),
  })
  .strict();

const powerState = z.object({ services: z.record(serviceRecord) }).strict();

export type ServiceRecord = z.infer<typeof serviceRecord>;
export type PowerStateDocument = z.infer<typeof powerState>;
export type PowerStateStore = JsonStore<PowerStateDocument>;

export function openPowerStateStore(stateDir: string): Promise<PowerStateStore> {
  return openJsonStore({
    dir: stateDir,
    file: POWER_STATE_FILE,
    version: POWER_STATE_VERSION,
    schema: powerState,
    empty: () => ({ services: {} }),
  });
}
