// The local-agent side of Consul: service and check registration per node,
// TTL expiry, HTTP/TCP checks run on self-rescheduling timers, and reaping of
// services whose check stayed critical past DeregisterCriticalServiceAfter.
import type { Logger } from 'pino';
import { SimHttpError } from '../http.js';
import { parseGoDuration } from '../blocking.js';
import { asNumber, asString, asStringArray, asStringMap, createKeyCatalog, isRecord, normalizeKeys } from '../keys.js';
import { probeHttp, probeTcp } from './probes.js';
import { attachCheck, detachCheck, type AgentState, type CheckDefinition, type CheckStatus, type ConsulCheck, type ConsulService, type ConsulState } from './state.js';

const KEYS = createKeyCatalog(
  ['ID', 'Name', 'Tags', 'Address', 'Port', 'Kind', 'EnableTagOverride', 'Weights', 'Passing', 'Warning', 'Check', 'Checks', 'CheckID',
    'Notes', 'Status', 'HTTP', 'Method', 'Body', 'TCP', 'TTL', 'Interval', 'Timeout', 'DeregisterCriticalServiceAfter', 'ServiceID',
    'Output', 'SuccessBeforePassing', 'FailuresBeforeCritical', 'Namespace', 'Connect', 'Proxy', 'Enable', 'Reason'],
  ['Meta', 'TaggedAddresses', 'Header'],
  [],
);

export interface ConsulAgentOptions {
  readonly state: ConsulState;
  readonly maxCheckIntervalMs?: number;
  readonly log: Logger;
}

export interface ConsulAgent {
  registerService(node: string, body: unknown, replaceExistingChecks: boolean): void;
  deregisterService(node: string, serviceId: string): void;
  registerCheck(node: string, body: unknown): void;
  deregisterCheck(node: string, checkId: string): void;
  /** TTL updates: pass/warn/fail/update. */
  updateTtl(node: string, checkId: string, status: CheckStatus, output: string): void;
  /** `PUT /v1/agent/service/maintenance/:id`: a critical `_service_maintenance:<id>` check while enabled. */
  setMaintenance(node: string, serviceId: string, enable: boolean, reason: string): void;
  /** Sets a check's status wherever it is registered (test control). */
  setCheckStatus(checkId: string, status: CheckStatus): void;
  agent(node: string): AgentState;
  wipe(): void;
  stop(): void;
}

interface Runner {
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

export function createConsulAgent(options: ConsulAgentOptions): ConsulAgent {
  const { state } = options;
  const log = options.log.child({ module: 'sim-consul-agent' });
  const runners = new Map<ConsulCheck, Runner>();
  let reaper: NodeJS.Timeout | undefined;
  let stopped = false;
  // The raw body of each live registration: an identical re-registration changes nothing (anti-entropy).
  const registrations = new WeakMap<ConsulService, string>();

  const agentOf = (node: string): AgentState => {
    const a = state.agents.get(node);
    if (a === undefined) throw new SimHttpError(500, `unknown node ${node}`);
    return a;
  };

  const touchForCheck = (a: AgentState, check: ConsulCheck, idx: number): void => {
    state.touchChecks(idx);
    if (check.ServiceID !== '') state.touchService(check.ServiceName, idx);
    else for (const name of new Set([...a.services.values()].map((s) => s.Service))) state.touchService(name, idx);
  };

  const applyStatus = (check: ConsulCheck, status: CheckStatus, output: string): void => {
    const a = state.agents.get(check.node);
    if (a === undefined || a.checks.get(check.CheckID) !== check) return;
    const changed = check.Status !== status;
    check.Output = output;
    if (!changed) return;
    check.Status = status;
    check.criticalSince = status === 'critical' ? Date.now() : undefined;
    const idx = state.nextIndex();
    check.ModifyIndex = idx;
    touchForCheck(a, check, idx);
  };

  const clampInterval = (ms: number): number => Math.max(10, Math.min(ms, options.maxCheckIntervalMs ?? ms));

  const startRunner = (check: ConsulCheck): void => {
    const def = check.Definition;
    const runner: Runner = { timer: undefined, stopped: false };
    runners.set(check, runner);
    if (def.TTLms !== undefined) {
      armTtl(check, runner);
      return;
    }
    if (def.IntervalMs === undefined || (def.HTTP === undefined && def.TCP === undefined)) return;
    const interval = clampInterval(def.IntervalMs);
    // Consecutive results, for SuccessBeforePassing / FailuresBeforeCritical.
    let successes = 0;
    let failures = 0;
    const tick = async (): Promise<void> => {
      const r = def.HTTP !== undefined
        ? await probeHttp(def.HTTP, def.Method ?? 'GET', def.Header ?? {}, def.Body, def.TimeoutMs)
        : await probeTcp(def.TCP ?? '', def.TimeoutMs);
      if (runner.stopped || stopped) return;
      if (r.status === 'passing') {
        successes += 1;
        failures = 0;
      } else {
        failures += 1;
        successes = 0;
      }
      const held = r.status === 'passing'
        ? check.Status !== 'passing' && successes < def.SuccessBeforePassing
        : check.Status === 'passing' && failures < def.FailuresBeforeCritical;
      if (held) check.Output = r.output;
      else applyStatus(check, r.status, r.output);
      runner.timer = setTimeout(() => void tick(), interval);
    };
    runner.timer = setTimeout(() => void tick(), Math.random() * Math.min(interval, 250));
  };

  const armTtl = (check: ConsulCheck, runner: Runner): void => {
    if (runner.timer !== undefined) clearTimeout(runner.timer);
    const ttl = check.Definition.TTLms ?? 0;
    runner.timer = setTimeout(() => {
      if (runner.stopped || stopped) return;
      applyStatus(check, 'critical', `TTL expired (last output before timeout follows): ${check.Output}`);
    }, ttl);
  };

  const stopRunner = (check: ConsulCheck): void => {
    const r = runners.get(check);
    if (r === undefined) return;
    r.stopped = true;
    if (r.timer !== undefined) clearTimeout(r.timer);
    runners.delete(check);
  };

  const ensureReaper = (): void => {
    if (reaper !== undefined || stopped) return;
    reaper = setInterval(() => {
      const now = Date.now();
      for (const check of [...runners.keys()]) {
        const after = check.Definition.DeregisterCriticalServiceAfterMs;
        if (after === undefined || check.criticalSince === undefined || check.ServiceID === '') continue;
        if (now - check.criticalSince >= after) {
          log.info({ serviceId: check.ServiceID, checkId: check.CheckID }, 'reaping critical service');
          try {
            removeService(agentOf(check.node), check.ServiceID);
          } catch {
            // already gone
          }
        }
      }
    }, 1000);
    reaper.unref();
  };

  const removeCheck = (a: AgentState, id: string): ConsulCheck | undefined => {
    const check = a.checks.get(id);
    if (check === undefined) return undefined;
    stopRunner(check);
    detachCheck(a, check);
    return check;
  };

  /** What the checks table holds for one service, to tell whether a registration changed it. */
  const checkRows = (a: AgentState, serviceId: string): string =>
    JSON.stringify([...(a.checksByService.get(serviceId)?.values() ?? [])].map((c) => [c.CheckID, c.Name, c.Status, c.Notes, c.ServiceName, c.Definition]).sort());

  const removeService = (a: AgentState, id: string): void => {
    const svc = a.services.get(id);
    if (svc === undefined) throw new SimHttpError(404, `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`);
    const checks = [...(a.checksByService.get(id)?.values() ?? [])];
    for (const c of checks) removeCheck(a, c.CheckID);
    a.services.delete(id);
    state.trackInstance(svc, false);
    const idx = state.nextIndex();
    state.touchService(svc.Service, idx);
    state.touchCatalog(idx);
    if (checks.length > 0) state.touchChecks(idx);
  };

  const buildCheck = (node: string, raw: Record<string, unknown>, defaults: { id: string; name: string; serviceId: string; serviceName: string }, previous: ConsulCheck | undefined): ConsulCheck => {
    const durationMs = (key: string): number | undefined => {
      const v = raw[key];
      if (typeof v === 'number') return v / 1e6;
      if (typeof v !== 'string' || v === '') return undefined;
      const ms = parseGoDuration(v);
      if (ms === undefined) throw new SimHttpError(400, `Request decode failed: time: invalid duration "${v}"`);
      return ms;
    };
    const ttl = durationMs('TTL');
    const interval = durationMs('Interval');
    const http = asString(raw.HTTP) || undefined;
    const tcp = asString(raw.TCP) || undefined;
    if ((http !== undefined || tcp !== undefined) && interval === undefined) throw new SimHttpError(400, 'Invalid check: Interval must be > 0 for Script, HTTP, H2PING, or TCP checks');
    const header: Record<string, string[]> = {};
    if (isRecord(raw.Header)) for (const [k, v] of Object.entries(raw.Header)) header[k] = asStringArray(v);
    const definition: CheckDefinition = {
      ...(http !== undefined ? { HTTP: http } : {}),
      ...(typeof raw.Method === 'string' && raw.Method !== '' ? { Method: raw.Method } : {}),
      Header: header,
      ...(typeof raw.Body === 'string' ? { Body: raw.Body } : {}),
      ...(tcp !== undefined ? { TCP: tcp } : {}),
      ...(ttl !== undefined ? { TTLms: ttl } : {}),
      ...(interval !== undefined ? { IntervalMs: interval } : {}),
      TimeoutMs: durationMs('Timeout') ?? 10_000,
      SuccessBeforePassing: asNumber(raw.SuccessBeforePassing),
      FailuresBeforeCritical: asNumber(raw.FailuresBeforeCritical),
      ...(durationMs('DeregisterCriticalServiceAfter') !== undefined ? { DeregisterCriticalServiceAfterMs: Math.max(durationMs('DeregisterCriticalServiceAfter') ?? 0, 0) } : {}),
      Interval: asString(raw.Interval),
      Timeout: asString(raw.Timeout),
      TTL: asString(raw.TTL),
      DeregisterCriticalServiceAfter: asString(raw.DeregisterCriticalServiceAfter),
    };
    const type = ttl !== undefined ? 'ttl' : http !== undefined ? 'http' : tcp !== undefined ? 'tcp' : '';
    const initial = (['passing', 'warning', 'critical'] as const).find((s) => s === raw.Status) ?? 'critical';
    const idx = state.currentIndex();
    return {
      node,
      CheckID: asString(raw.CheckID) || asString(raw.ID) || defaults.id,
      Name: asString(raw.Name) || defaults.name,
      Status: previous?.Status ?? initial,
      Notes: asString(raw.Notes),
      Output: previous?.Output ?? '',
      ServiceID: defaults.serviceId,
      ServiceName: defaults.serviceName,
      Type: type,
      Definition: definition,
      CreateIndex: previous?.CreateIndex ?? idx,
      ModifyIndex: idx,
      criticalSince: (previous?.Status ?? initial) === 'critical' ? (previous?.criticalSince ?? Date.now()) : undefined,
    };
  };

  const addCheck = (a: AgentState, check: ConsulCheck): void => {
    const old = a.checks.get(check.CheckID);
    if (old !== undefined) {
      stopRunner(old);
      detachCheck(a, old);
    }
    attachCheck(a, check);
    startRunner(check);
    if (check.Definition.DeregisterCriticalServiceAfterMs !== undefined) ensureReaper();
  };

  const agent: ConsulAgent = {
    agent: agentOf,
    registerService(node, body, replaceExistingChecks) {
      const raw = normalizeKeys(body, KEYS);
      if (!isRecord(raw)) throw new SimHttpError(400, 'Request decode failed: body is not an object');
      const name = asString(raw.Name);
      if (name === '') throw new SimHttpError(400, 'Missing service name');
      const a = agentOf(node);
      const id = asString(raw.ID) || name;
      const checkBodies = [...(isRecord(raw.Check) ? [raw.Check] : []), ...(Array.isArray(raw.Checks) ? raw.Checks.filter(isRecord) : [])];
      const previous = a.services.get(id);
      const registration = JSON.stringify(raw);
      if (previous !== undefined && registrations.get(previous) === registration) return;
      const idx = state.nextIndex();
      const weights = isRecord(raw.Weights) ? { Passing: asNumber(raw.Weights.Passing, 1), Warning: asNumber(raw.Weights.Warning, 1) } : { Passing: 1, Warning: 1 };
      const svc: ConsulService = {
        node,
        ID: id,
        Service: name,
        Tags: asStringArray(raw.Tags),
        Meta: asStringMap(raw.Meta),
        Port: asNumber(raw.Port),
        Address: asString(raw.Address),
        Weights: weights,
        EnableTagOverride: raw.EnableTagOverride === true,
        TaggedAddresses: isRecord(raw.TaggedAddresses) ? raw.TaggedAddresses : {},
        Kind: asString(raw.Kind),
        CreateIndex: previous?.CreateIndex ?? idx,
        ModifyIndex: idx,
      };
      const checks = checkBodies.map((c, i) => buildCheck(node, c, {
        id: checkBodies.length > 1 ? `service:${id}:${i + 1}` : `service:${id}`,
        name: `Service '${name}' check`,
        serviceId: id,
        serviceName: name,
      }, undefined));
      for (const c of checks) {
        const prev = a.checks.get(c.CheckID);
        if (prev !== undefined && prev.ServiceID === id) {
          c.Status = prev.Status;
          c.Output = prev.Output;
          c.CreateIndex = prev.CreateIndex;
          c.criticalSince = prev.criticalSince;
        }
      }
      if (previous !== undefined) {
        state.trackInstance(previous, false);
        if (previous.Service !== name) state.touchService(previous.Service, idx);
      }
      a.services.set(id, svc);
      registrations.set(svc, registration);
      state.trackInstance(svc, true);
      const checksBefore = checkRows(a, id);
      if (replaceExistingChecks) {
        const keep = new Set(checks.map((c) => c.CheckID));
        for (const c of [...(a.checksByService.get(id)?.values() ?? [])]) if (!keep.has(c.CheckID)) removeCheck(a, c.CheckID);
      }
      for (const c of checks) addCheck(a, c);
      state.touchService(name, idx);
      state.touchCatalog(idx);
      // Consul writes a check only when it differs from the stored one.
      if (checkRows(a, id) !== checksBefore) state.touchChecks(idx);
    },
    deregisterService(node, serviceId) {
      removeService(agentOf(node), serviceId);
    },
    registerCheck(node, body) {
      const raw = normalizeKeys(body, KEYS);
      if (!isRecord(raw)) throw new SimHttpError(400, 'Request decode failed: body is not an object');
      const a = agentOf(node);
      const name = asString(raw.Name);
      if (name === '') throw new SimHttpError(400, 'Missing check name');
      const serviceId = asString(raw.ServiceID);
      const svc = serviceId === '' ? undefined : a.services.get(serviceId);
      if (serviceId !== '' && svc === undefined) throw new SimHttpError(400, `ServiceID "${serviceId}" does not exist`);
      const id = asString(raw.CheckID) || asString(raw.ID) || name;
      const check = buildCheck(node, raw, { id, name, serviceId, serviceName: svc?.Service ?? '' }, a.checks.get(id));
      check.ModifyIndex = state.nextIndex();
      addCheck(a, check);
      touchForCheck(a, check, check.ModifyIndex);
    },
    deregisterCheck(node, checkId) {
      const a = agentOf(node);
      const check = removeCheck(a, checkId);
      if (check === undefined) throw new SimHttpError(404, `Unknown check ID "${checkId}". Ensure that the check ID is passed, not the check name.`);
      touchForCheck(a, check, state.nextIndex());
    },
    updateTtl(node, checkId, status, output) {
      const a = agentOf(node);
      const check = a.checks.get(checkId);
      if (check === undefined) throw new SimHttpError(404, `Unknown check ID "${checkId}". Ensure that the check ID is passed, not the check name.`);
      if (check.Type !== 'ttl') throw new SimHttpError(500, `CheckID "${checkId}" does not have associated TTL`);
      applyStatus(check, status, output);
      const runner = runners.get(check);
      if (runner !== undefined) armTtl(check, runner);
    },
    setMaintenance(node, serviceId, enable, reason) {
      const a = agentOf(node);
      const svc = a.services.get(serviceId);
      if (svc === undefined) throw new SimHttpError(404, `Unknown service ID "${serviceId}". Ensure that the service ID is passed, not the service name.`);
      const id = `_service_maintenance:${serviceId}`;
      if (!enable) {
        const removed = removeCheck(a, id);
        if (removed !== undefined) touchForCheck(a, removed, state.nextIndex());
        return;
      }
      if (a.checks.has(id)) return;
      const check = buildCheck(node, { Status: 'critical', Notes: reason || 'Maintenance mode is enabled for this service, but no reason was provided. This is a default message.' },
        { id, name: 'Service Maintenance Mode', serviceId, serviceName: svc.Service }, undefined);
      check.Type = 'maintenance';
      check.ModifyIndex = state.nextIndex();
      addCheck(a, check);
      touchForCheck(a, check, check.ModifyIndex);
    },
    setCheckStatus(checkId, status) {
      for (const a of state.agents.values()) {
        const check = a.checks.get(checkId);
        if (check !== undefined) applyStatus(check, status, `status set to ${status} by the simulator`);
      }
    },
    wipe() {
      for (const check of [...runners.keys()]) stopRunner(check);
      state.wipe();
    },
    stop() {
      stopped = true;
      for (const check of [...runners.keys()]) stopRunner(check);
      if (reaper !== undefined) clearInterval(reaper);
      reaper = undefined;
    },
  };
  return agent;
}

