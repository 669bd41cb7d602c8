// While a service sleeps, Nomad has deregistered it from Consul. The power
// manager registers a placeholder in its place: same name, same address and
// port, tagged and with Meta `hearth-power=asleep`, so a router still finds it
// and its first request is what wakes it. The placeholder has no checks of its
// own, so Consul reports it as passing (only the node's checks apply) and
// routers that ask `?passing` keep it: that is true, because a connection to
// it is accepted and held by this node's agent until the service is up.
import { isHearthError } from '../errors.js';
import type { ConsulPort } from './ports.js';

export const ASLEEP_TAG = 'hearth-power=asleep';
export const POWER_META_KEY = 'hearth-power';

export function placeholderId(service: string): string {
  return `hearth-power-asleep-${service}`;
}

export async function registerPlaceholder(consul: ConsulPort, target: { service: string; address: string; port: number }): Promise<void> {
  await consul.registerService({
    ID: placeholderId(target.service),
    Name: target.service,
    Address: target.address,
    Port: target.port,
    Tags: [ASLEEP_TAG],
    Meta: { [POWER_META_KEY]: 'asleep' },
  });
}

export async function deregisterPlaceholder(consul: ConsulPort, service: string): Promise<void> {
  try {
    await consul.deregisterService(placeholderId(service));
  } catch (err) {
    // Already gone (never registered, or removed by an earlier run): nothing to undo.
    if ((err as { status?: number }).status === 404 || isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) return;
    throw err;
  }
}

/** True when Consul reports a passing instance of `service` that is the real one, not the placeholder. */
export async function isServiceHealthy(consul: ConsulPort, service: string): Promise<boolean> {
  const entries = await consul.healthService(service, { passing: true });
  return entries.some(
    (entry) =>
      entry.Service.ID !== placeholderId(service) &&
      entry.Service.Meta?.[POWER_META_KEY] !== 'asleep' &&
      (entry.Checks ?? []).every((check) => check.Status === 'passing'),
  );
}
