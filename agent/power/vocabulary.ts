// The one vocabulary of power states, used in memory, in the API and the CLI,
// in metrics, in the state file and in Consul. Versions before this one wrote
// "asleep" to the state file and to the placeholder's Consul Meta; that word is
// still read (and means "sleeping") so state they left behind is understood.
export const POWER_STATES = ['awake', 'sleeping', 'waking'] as const;
export type PowerState = (typeof POWER_STATES)[number];

/** The word older versions wrote for `sleeping`. Read, never written. */
export const LEGACY_SLEEPING = 'asleep';

/** The state a stored word names, or undefined when it names none. */
export function readPowerState(word: unknown): PowerState | undefined {
  if (word === LEGACY_SLEEPING) return 'sleeping';
  return POWER_STATES.find((state) => state === word);
}
