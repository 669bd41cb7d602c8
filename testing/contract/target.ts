// What a contract case runs against: a Nomad (and its Consul) reached over
// HTTP, named by kind so a case that one implementation cannot pass can say
// which and why (the pattern of hono's common.case.test.ts).
import type { ExecutionContext } from 'ava';

export type NomadKind = 'simulator' | 'real';

export interface NomadTarget {
  readonly kind: NomadKind;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  /** A client node that raw_exec tasks run on. */
  readonly nodeName: string;
}

export interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

export async function call(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(base + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

export interface ContractCase<K extends string, T> {
  readonly title: string;
  /** Implementations that skip this case, each with the reason. */
  readonly skip?: Partial<Record<K, string>>;
  run(t: ExecutionContext, target: T): Promise<void>;
}

/** Polls until `probe` returns a value; the deadline is a failure guard, not a speed claim. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
