// The agent's own endpoints: /health, /metrics, /api/v1/status and the
// expert list. Each handler reads through the functions it is given; none
// keeps state of its own.
import type { Route, RouteResponse } from '../http-api/route.js';
import type { AgentMetrics } from '../metrics/metrics.js';
import type { Expert } from '../consul/experts.js';
import type { HealthModel } from './health-model.js';

/** An expert as the agent's API lists it (agent/consul/experts.ts defines it). */
export type ExpertView = Expert;

export interface StatusRouteDeps {
  readonly health: HealthModel;
  readonly metrics: AgentMetrics;
  /** The whole status document (node, backends, experts). */
  readonly readStatus: () => unknown;
  readonly listExperts: () => readonly ExpertView[];
  /** Asks Consul for the experts now rather than waiting for the watch. */
  readonly refreshExperts: () => Promise<readonly ExpertView[]>;
  /** True once shutdown began: /health then answers 503 so nothing new is sent here. */
  readonly stopping: () => boolean;
}

/**
 * GET /health answers 200 while the agent serves, "ok" or "degraded" with its
 * reasons in the body, and 503 only while it shuts down. `?strict=true` also
 * answers 503 when degraded, for probes that should treat degraded as down.
 */
function answerHealth(deps: StatusRouteDeps, strict: boolean): RouteResponse {
  if (deps.stopping()) return { status: 503, json: { status: 'stopping', reasons: ['the agent is shutting down'] } };
  const report = deps.health.report();
  const status = report.status === 'degraded' && strict ? 503 : 200;
  return { status, json: { status: report.status, reasons: report.reasons } };
}

export function createStatusRoutes(deps: StatusRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/health',
      auth: 'none',
      handler: (req) => answerHealth(deps, ['1', 'true'].includes(req.query.get('strict') ?? '')),
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'none',
      handler: async () => ({ status: 200, text: await deps.metrics.render(), contentType: deps.metrics.contentType }),
    },
    { method: 'GET', path: '/api/v1/status', auth: 'none', handler: () => ({ status: 200, json: deps.readStatus() }) },
    { method: 'GET', path: '/api/v1/experts', auth: 'none', handler: () => ({ status: 200, json: { experts: deps.listExperts() } }) },
    {
      method: 'POST',
      path: '/api/v1/experts/refresh',
      auth: 'token',
      handler: async () => ({ status: 200, json: { experts: await deps.refreshExperts() } }),
    },
  ];
}
