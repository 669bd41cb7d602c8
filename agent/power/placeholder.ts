// While a service sleeps, Nomad has deregistered it from Consul. The power
// manager registers a placeholder in its place: same name, same address and
// port, tagged and with Meta `hearth-power=sleeping`, so a router still finds
// it and its first request is what wakes it. The placeholder has no checks of
// its own, so Consul reports it as passing (only the node's checks apply) and
// routers that ask `?passing` keep it: that is true, because a connection to
// it is accepted and held by this node's agent until the service is up.
//
// Versions before this one registered the placeholder as
// `hearth-power-asleep-<service>` with `hearth-power=asleep`: that one is
// recognised as a placeholder too, and removed when the service wakes.
import { isHearthError } from '../errors.js';
import type { ConsulPort } from './ports.js';
import { LEGACY_SLEEPING } from './vocabulary.js';

export const POWER_META_KEY = 'hearth-power';
export const SLEEPING_TAG = `${POWER_META_KEY}=sleeping`;

export function placeholderId(service: string): string {
  return `hearth-power-sleeping-${service}`;
}

function legacyPlaceholderId(service: string): string {
  return `hearth-power-${LEGACY_SLEEPING}-${service}`;
}

export async function registerPlaceholder(consul: ConsulPort, target: { service: string; address: string; port: number }): Promise<void> {
  await consul.registerService({
    ID: placeholderId(target.service),
    Name: target.service,
    Address: target.address,
    Port: target.port,
    Tags: [SLEEPING_TAG],
    Meta: { [POWER_META_KEY]: 'sleeping' },
  });
}

export async function deregisterPlaceholder(consul: ConsulPort, service: string): Promise<void> {
  for (const id of [placeholderId(service), legacyPlaceholderId(service)]) {
    try {
      await consul.deregisterService(id);
    } catch (err) {
      // Already gone (never registered, or removed by an earlier run): nothing to undo.
      if ((err as { status?: number }).status === 404 || isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) continue;
      throw err;
    }
  }
}

/** True for an instance registered by a power manager (this version's or an older one's). */
export function isPlaceholder(service: string, entry: { readonly ID: string; readonly Meta?: Record<string, string> | null }): boolean {
  const word = entry.Meta?.[POWER_META_KEY];
  return entry.ID === placeholderId(service) || entry.ID === legacyPlaceholderId(service) || word === 'sleeping' || word === LEGACY_SLEEPING;
}

/** True when Consul reports a passing instance of `service` that is the real one, not the placeholder. */
export async function isServiceHealthy(consul: ConsulPort, service: string): Promise<boolean> {
  const entries = await consul.healthService(service, { passing: true });
  return entries.some((entry) => !isPlaceholder(service, entry.Service) && (entry.Checks ?? []).every((check) => check.Status === 'passing'));
}
