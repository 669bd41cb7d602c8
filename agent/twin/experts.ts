// The experts the twin can route to, read from what discovery lists
// (`prima-api-*` Consul services): name, address, health and a description
// taken from the service's Meta (`description`) or else from the persona file
// named after the expert (`prima-api-code` -> prompts/code.md).
import { compareNames } from '../util/compare-names.js';

export interface Expert {
  readonly name: string;
  /** The suffix after `prima-api-`: the persona and keyword family. */
  readonly kind: string;
  readonly address: string;
  readonly port: number;
  readonly health: string;
  readonly description: string;
  /** `http://address:port/v1`: the OpenAI-compatible base URL. */
  readonly baseUrl: string;
  /** The model name the expert serves, when Meta says. */
  readonly model?: string;
}

export const EXPERT_PREFIX = 'prima-api-';

/** Turns discovery rows into experts; rows without a name, address or port are skipped. One per name (a passing instance first). */
export function toExperts(rows: readonly unknown[], describe: (kind: string) => string | undefined): Expert[] {
  const byName = new Map<string, Expert>();
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const r = row as Record<string, unknown>;
    const name = typeof r['name'] === 'string' ? r['name'] : undefined;
    const address = typeof r['address'] === 'string' ? r['address'] : undefined;
    const port = typeof r['port'] === 'number' ? r['port'] : undefined;
    if (name === undefined || !name.startsWith(EXPERT_PREFIX) || address === undefined || address === '' || port === undefined) continue;
    const meta = (r['meta'] ?? r['Meta']) as Record<string, unknown> | undefined;
    const kind = name.slice(EXPERT_PREFIX.length);
    const metaDescription = typeof meta?.['description'] === 'string' ? meta['description'] : undefined;
    const model = typeof meta?.['model'] === 'string' ? meta['model'] : undefined;
    const expert: Expert = {
      name,
      kind,
      address,
      port,
      health: typeof r['health'] === 'string' ? r['health'] : 'unknown',
      description: metaDescription ?? describe(kind) ?? `the ${kind} expert`,
      baseUrl: `http://${address.includes(':') ? `[${address}]` : address}:${port}/v1`,
      ...(model === undefined ? {} : { model }),
    };
    const existing = byName.get(name);
    if (existing === undefined || (existing.health !== 'passing' && expert.health === 'passing')) byName.set(name, expert);
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}
