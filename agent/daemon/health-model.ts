// The agent's health: ok when every part says ok, degraded with one reason per
// part that does not. Parts are registered by name; the model holds no state.
import { internalError } from '../errors.js';

export interface PartHealth {
  readonly ok: boolean;
  readonly reason?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly reasons: readonly string[];
  readonly parts: Readonly<Record<string, PartHealth>>;
}

export interface HealthModel {
  addPart(name: string, read: () => PartHealth): void;
  report(): HealthReport;
}

export function createHealthModel(): HealthModel {
  const parts = new Map<string, () => PartHealth>();
  return {
    addPart(name, read) {
      if (parts.has(name)) throw internalError(`health part ${name} is registered twice`, { part: name });
      parts.set(name, read);
    },
    report() {
      const read: Record<string, PartHealth> = {};
      const reasons: string[] = [];
      for (const [name, readPart] of parts) {
        let health: PartHealth;
        try {
          health = readPart();
        } catch (err) {
          health = { ok: false, reason: `health check failed: ${(err as Error).message}` };
        }
        read[name] = health;
        if (!health.ok) reasons.push(`${name}: ${health.reason ?? 'not ok'}`);
      }
      return { status: reasons.length === 0 ? 'ok' : 'degraded', reasons, parts: read };
    },
  };
}
