// Go's encoding/json matches object keys to struct fields case-insensitively
// (and Consul also takes snake_case). This rewrites decoded keys to the
// canonical PascalCase names, leaving user maps (Meta, Env, Config, ...) alone.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface KeyCatalog {
  readonly canonical: ReadonlyMap<string, string>;
  /** Fields whose value is a user map: its keys are kept as given (values still normalized when objects). */
  readonly userMaps: ReadonlySet<string>;
  /** Fields whose value is opaque: kept entirely as given. */
  readonly opaque: ReadonlySet<string>;
}

export function createKeyCatalog(names: readonly string[], userMaps: readonly string[], opaque: readonly string[]): KeyCatalog {
  const canonical = new Map<string, string>();
  for (const n of [...names, ...userMaps, ...opaque]) canonical.set(fold(n), n);
  return { canonical, userMaps: new Set(userMaps), opaque: new Set(opaque) };
}

function fold(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

export function normalizeKeys(value: unknown, catalog: KeyCatalog): unknown {
  if (Array.isArray(value)) return value.map((v) => normalizeKeys(v, catalog));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = catalog.canonical.get(fold(key)) ?? key;
    if (catalog.opaque.has(name)) out[name] = inner;
    else if (catalog.userMaps.has(name) && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(inner as Record<string, unknown>)) map[k] = normalizeKeys(v, catalog);
      out[name] = map;
    } else out[name] = normalizeKeys(inner, catalog);
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function asNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
