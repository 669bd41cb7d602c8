// The two probes Consul's agent runs itself: HTTP (2xx passing, 429 warning,
// anything else critical) and TCP connect.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { CheckStatus } from './state.js';

export interface ProbeResult {
  readonly status: CheckStatus;
  readonly output: string;
}

export function probeHttp(url: string, method: string, headers: Record<string, string[]>, body: string | undefined, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const flatHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) flatHeaders[k] = v.join(', ');
    let req;
    try {
      req = request(url, { method, headers: flatHeaders, agent: false, timeout: timeoutMs });
    } catch (err) {
      finish({ status: 'critical', output: `${method} ${url}: ${(err as Error).message}` });
      return;
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 4096);
        const status: CheckStatus = code >= 200 && code < 300 ? 'passing' : code === 429 ? 'warning' : 'critical';
        finish({ status, output: `HTTP ${method} ${url}: ${code} ${res.statusMessage ?? ''} Output: ${text}` });
      });
      res.on('error', (err) => finish({ status: 'critical', output: `${method} ${url}: ${err.message}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      finish({ status: 'critical', output: `${method} ${url}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err) => finish({ status: 'critical', output: `${method} ${url}: ${describeNetError(err)}` }));
    req.end(body);
  });
}

export function probeTcp(address: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const idx = address.lastIndexOf(':');
    const host = address.slice(0, idx).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(idx + 1));
    const socket = connect({ host, port });
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ status: 'critical', output: `dial tcp ${address}: i/o timeout` }), timeoutMs);
    socket.on('connect', () => finish({ status: 'passing', output: `TCP connect ${address}: Success` }));
    socket.on('error', (err) => finish({ status: 'critical', output: `dial tcp ${address}: ${describeNetError(err)}` }));
  });
}

function describeNetError(err: Error & { code?: string }): string {
  if (err.code === 'ECONNREFUSED') return 'connect: connection refused';
  if (err.code === 'ECONNRESET') return 'read: connection reset by peer';
  return err.message;
}
