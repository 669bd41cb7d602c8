// A document held in memory whose every change is applied to a copy,
// persisted, and only then made current. Changes run one at a time, in the
// order asked; a change whose persist fails leaves the document as it was and
// does not stop the ones after it.
export interface SerialDocument<T> {
  /** A copy of the current document. */
  read(): T;
  /** Applies `change` to a copy and persists it; resolves with the change's result once persisted. */
  update<R>(change: (draft: T) => R): Promise<R>;
}

/** `persist` writes the changed copy and returns what becomes current (the copy, or its parsed form). */
export function createSerialDocument<T>(initial: T, persist: (draft: T) => Promise<T>): SerialDocument<T> {
  let current = initial;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    read: () => structuredClone(current),
    update<R>(change: (draft: T) => R): Promise<R> {
      const run = async (): Promise<R> => {
        const draft = structuredClone(current);
        const result = change(draft);
        current = await persist(draft);
        return result;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
