// Whether a woken service passes its own health checks, run by hearth the way
// Consul runs them (an HTTP check passes on a 2xx answer, a TCP check when the
// connection opens), straight to the address it listens on. A wake releases its
// held clients on the first of this and Consul's passing status: Consul runs a
// check only every `interval` (1 s or more on real Nomad), which would add up to
// that interval to every cold start. Services with a check of another kind
// (script, gRPC, ...) wait for Consul alone.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ServiceCheck } from '../nomad/types.js';

export type ProbeCheck =
  | { readonly kind: 'http'; readonly method: string; readonly path: string }
  | { readonly kind: 'tcp' };

/** The checks hearth can run itself, or undefined when one of them is of another kind. */
export function probeChecksOf(checks: readonly ServiceCheck[] | undefined): ProbeCheck[] | undefined {
  const out: ProbeCheck[] = [];
  for (const check of checks ?? []) {
    if (check.Type === 'tcp') out.push({ kind: 'tcp' });
    else if (check.Type === 'http') {
      // Nomad reads back an unset method or path as "": Consul then sends GET /.
      out.push({ kind: 'http', method: check.Method === undefined || check.Method === '' ? 'GET' : check.Method.toUpperCase(), path: check.Path === undefined || check.Path === '' ? '/' : check.Path });
    } else return undefined;
  }
  return out;
}

function passesOnce(check: ProbeCheck, host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (check.kind === 'tcp') {
      const socket = connect({ host, port, timeout: timeoutMs });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
      return;
    }
    const req = request({ host, port, method: check.method, path: check.path, timeout: timeoutMs, agent: false, headers: { 'user-agent': 'hearth-power-readiness' } }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

/** True when every check passes now (a service with no checks passes once it listens). */
export async function passesOwnChecks(checks: readonly ProbeCheck[], host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const results = await Promise.all(checks.map((check) => passesOnce(check, host, port, timeoutMs)));
  return results.every(Boolean);
}
