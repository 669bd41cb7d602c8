// A document held in memory whose every change is applied to a copy,
// persisted, and only then made current. Changes run one at a time, in the
// order asked; a change whose persist fails leaves the document as it was and
// does not stop the ones after it.
/** A document no caller may change: what view() hands out. */
export type Frozen<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

export interface SerialDocument<T> {
  /** A copy of the current document. */
  read(): T;
  /**
   * The current document itself, deeply frozen: no copy, for hot read paths (a loop over every service each tick).
   * A later update makes a new current document; a view already taken stays as it was.
   */
  view(): Frozen<T>;
  /** Applies `change` to a copy and persists it; resolves with the change's result once persisted. */
  update<R>(change: (draft: T) => R): Promise<R>;
}

function deepFreeze<T>(value: T): Frozen<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value as Frozen<T>;
}

/** `persist` writes the changed copy and returns what becomes current (the copy, or its parsed form). */
export function createSerialDocument<T>(initial: T, persist: (draft: T) => Promise<T>): SerialDocument<T> {
  // The current document is frozen as it becomes current: view() hands it out as is, read() and update() copy it.
  // What is frozen is a copy of what the caller or persist handed over, which they may still hold and change.
  let current = deepFreeze(structuredClone(initial));
  let queue: Promise<unknown> = Promise.resolve();
  return {
    read: () => structuredClone(current) as T,
    view: () => current,
    update<R>(change: (draft: T) => R): Promise<R> {
      const run = async (): Promise<R> => {
        const draft = structuredClone(current) as T;
        const result = change(draft);
        current = deepFreeze(structuredClone(await persist(draft)));
        return result;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
