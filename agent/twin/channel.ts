// An unbounded async queue: a producer pushes, one consumer iterates. The
// turn pushes its events here; the HTTP stream, the CLI or a test reads them.
export interface Channel<T> extends AsyncIterable<T> {
  push(value: T): void;
  end(): void;
  /** Takes every value already waiting, so a consumer can write them in one go. */
  drain(): T[];
}

export function createChannel<T>(): Channel<T> {
  const buffer: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let ended = false;
  return {
    push(value) {
      if (ended) return;
      if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value, done: false });
      } else buffer.push(value);
    },
    end() {
      ended = true;
      if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: undefined, done: true });
      }
    },
    drain() {
      return buffer.splice(0, buffer.length);
    },
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as T, done: false });
          if (ended) return Promise.resolve({ value: undefined, done: true });
          return new Promise<IteratorResult<T>>((resolve) => {
            waiting = resolve;
          });
        },
        return: () => {
          ended = true;
          buffer.length = 0;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
