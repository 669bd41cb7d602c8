// Hands the deltas a network reader pushes (from `data` events) to one async
// consumer. A delta the consumer has not taken yet absorbs the next one, so a
// slow consumer gets one larger delta rather than a growing queue, and the
// reader never waits: it costs one promise per delta taken, none per read.
export interface QueuedDelta {
  readonly text: string;
  readonly tokens: number;
}

export interface DeltaQueue extends AsyncIterable<QueuedDelta> {
  push(text: string, tokens: number): void;
  end(): void;
  /** Ends the iteration with this error (after the deltas already queued). */
  fail(err: unknown): void;
}

export function createDeltaQueue(): DeltaQueue {
  let head: { text: string; tokens: number } | undefined;
  let ended = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(text, tokens) {
      if (ended) return;
      if (head === undefined) head = { text, tokens };
      else {
        head.text += text;
        head.tokens += tokens;
      }
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    fail(err) {
      if (ended) return;
      failure = { err };
      ended = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (head !== undefined) {
          const taken = head;
          head = undefined;
          yield taken;
          continue;
        }
        if (failure !== undefined) throw failure.err;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
