// Coalesces the text of a streamed answer into fewer deltas without making
// anyone wait: the first text goes out at once, text that comes within
// `windowMs` of the last delta is held, and held text goes out at the latest
// `windowMs` after that delta (a timer, so a model that pauses still gets its
// text shown). A fast model then costs one turn event, one bus publish and
// one SSE write per few milliseconds rather than per token; nothing is dropped.
export interface Timers {
  readonly now: () => number;
  /** Calls `fn` after `ms`; returns the cancel function. */
  readonly after: (ms: number, fn: () => void) => () => void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface Coalescer {
  /** Text and how many of the model's tokens it carries. */
  add(text: string, tokens: number): void;
  /** Sends what is held now (the answer ended). */
  flush(): void;
  /** Drops the timer; what is held is not sent. */
  stop(): void;
}

export function createCoalescer(options: { windowMs: number; timers?: Timers; emit: (text: string, tokens: number) => void }): Coalescer {
  const { windowMs, emit } = options;
  const timers = options.timers ?? realTimers;
  let text = '';
  let tokens = 0;
  let lastAt = -Infinity;
  let cancel: (() => void) | undefined;

  const flush = () => {
    cancel?.();
    cancel = undefined;
    // Tokens whose text is held elsewhere (a possible leaked tool call) wait for their text.
    if (text === '') return;
    const out = text;
    const count = tokens;
    text = '';
    tokens = 0;
    lastAt = timers.now();
    emit(out, count);
  };

  return {
    add(more, count) {
      text += more;
      tokens += count;
      if (text === '') return;
      const wait = lastAt + windowMs - timers.now();
      if (wait <= 0) flush();
      else cancel ??= timers.after(wait, flush);
    },
    flush,
    stop() {
      cancel?.();
      cancel = undefined;
    },
  };
}
