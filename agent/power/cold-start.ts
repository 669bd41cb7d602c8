// The phases of one cold start, each measured from the first packet:
// first packet seen -> scale requested -> allocation running -> healthy -> first byte served.
export const COLD_START_PHASES = ['scale_requested', 'allocation_running', 'healthy', 'first_byte'] as const;
export type ColdStartPhase = (typeof COLD_START_PHASES)[number];

export interface ColdStart {
  /** Wall-clock time of the first packet (ISO 8601). */
  readonly startedAt: string;
  /** What woke it: a packet, an operator, or the undoing of a sleep that failed. */
  readonly trigger: 'packet' | 'operator' | 'rollback';
  /** Milliseconds from the first packet to each phase reached so far. */
  readonly phasesMs: Partial<Record<ColdStartPhase, number>>;
  readonly error?: string;
}

export interface ColdStartRecorder {
  mark(phase: ColdStartPhase): number;
  /** A packet timestamp for this wake; moves the start earlier when it is (a SYN event read after the accept). */
  offerStart(ns: bigint): void;
  fail(error: string): void;
  snapshot(): ColdStart;
}

/** `startNs` is CLOCK_MONOTONIC nanoseconds (a SYN's bpf_ktime_get_ns, or process.hrtime.bigint()). */
export function startColdStart(firstNs: bigint, trigger: ColdStart['trigger'], onPhase: (phase: ColdStartPhase, ms: number) => void): ColdStartRecorder {
  let startNs = firstNs;
  const wallOf = (ns: bigint) => new Date(Date.now() - Number(process.hrtime.bigint() - ns) / 1e6).toISOString();
  let startedAt = wallOf(startNs);
  const phasesMs: Partial<Record<ColdStartPhase, number>> = {};
  let error: string | undefined;
  return {
    mark(phase) {
      const existing = phasesMs[phase];
      if (existing !== undefined) return existing;
      const ms = Math.max(0, Number(process.hrtime.bigint() - startNs) / 1e6);
      phasesMs[phase] = ms;
      onPhase(phase, ms);
      return ms;
    },
    offerStart(ns) {
      if (ns >= startNs || Object.keys(phasesMs).length > 0) return;
      startNs = ns;
      startedAt = wallOf(ns);
    },
    fail(message) {
      error = message;
    },
    snapshot: () => ({ startedAt, trigger, phasesMs: { ...phasesMs }, ...(error === undefined ? {} : { error }) }),
  };
}
