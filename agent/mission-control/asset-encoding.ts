// Which precompressed copy of an asset to send: bin/build-page.mjs writes
// NAME.br and NAME.gz beside each asset, and the request's Accept-Encoding
// decides (brotli first, then gzip, else the file as it is). Nothing is
// compressed while answering.
export type AssetEncoding = 'br' | 'gzip';

export const ENCODING_SUFFIX: Readonly<Record<AssetEncoding, string>> = { br: '.br', gzip: '.gz' };

/** The codings Accept-Encoding allows (q > 0), by name; `*` stands for any not named. */
function accepted(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (name === '') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}

export function chooseEncoding(header: string | string[] | undefined, available: readonly AssetEncoding[]): AssetEncoding | undefined {
  if (header === undefined) return undefined;
  const weights = accepted(Array.isArray(header) ? header.join(',') : header);
  const any = weights.get('*');
  for (const encoding of (['br', 'gzip'] as const).filter((e) => available.includes(e))) {
    if ((weights.get(encoding) ?? any ?? 0) > 0) return encoding;
  }
  return undefined;
}
