// The twin's view of the power module, through the power module's own HTTP
// routes called in process (the same contract `hearth power` and Mission
// Control use): read a service's power state and last cold start, and set its
// idle timeout. Nothing here knows how the power manager is built.
import { HearthError } from '../errors.js';
import type { Route, RouteRequest } from '../http-api/route.js';
import type { PowerControlPort } from '../tools/power-set-idle-threshold.js';
import type { ColdStartPhase } from './events.js';
import type { ExpertPowerState } from './turn.js';

/** The phases the power module records, in order, as the turn's wake event names them. */
const PHASES = ['scale_requested', 'allocation_running', 'healthy', 'first_byte'] as const;

export interface TwinPowerPort extends PowerControlPort {
  state(service: string): Promise<ExpertPowerState | undefined>;
}

export function createPowerPort(routes: () => readonly Route[]): TwinPowerPort {
  const call = async (method: Route['method'], path: string, service: string, body: unknown, signal?: AbortSignal) => {
    const route = routes().find((r) => r.method === method && r.path === path);
    if (route === undefined) throw new HearthError('HEARTH_ERR_POWER', 'The power module is not part of this agent.');
    const request: RouteRequest = {
      method,
      params: { service },
      query: new URLSearchParams(),
      body,
      remoteAddress: '127.0.0.1',
      raw: undefined as unknown as RouteRequest['raw'],
      signal: signal ?? new AbortController().signal,
      principal: { kind: 'token' },
    };
    const response = await route.handler(request);
    const json = response.json as { error?: { code?: string; message?: string } } | undefined;
    if (response.status !== 200) {
      throw new HearthError(response.status === 404 ? 'HEARTH_ERR_NOT_FOUND' : 'HEARTH_ERR_POWER', json?.error?.message ?? `The power module answered ${response.status}.`, { details: { status: response.status } });
    }
    return response.json;
  };
  return {
    async state(service) {
      let status: { state?: string; lastColdStart?: { phasesMs?: Record<string, number> } };
      try {
        status = (await call('GET', '/api/v1/power/:service', service, undefined)) as typeof status;
      } catch (err) {
        if (err instanceof HearthError && (err.code === 'HEARTH_ERR_NOT_FOUND' || err.code === 'HEARTH_ERR_POWER')) return { state: 'unmanaged', phases: [] };
        throw err;
      }
      const phasesMs = status.lastColdStart?.phasesMs ?? {};
      const phases: ColdStartPhase[] = [];
      for (const name of PHASES) if (typeof phasesMs[name] === 'number') phases.push({ name: name.replaceAll('_', '-'), ms: Math.round(phasesMs[name]! * 10) / 10 });
      const state = status.state === 'sleeping' ? 'asleep' : status.state === 'waking' ? 'waking' : 'awake';
      return { state, phases };
    },
    setIdleTimeout: (service, duration, signal) => call('PUT', '/api/v1/power/:service/idle', service, { timeout: duration }, signal),
  };
}
