// The error code table, read from the catalog (agent/errors.ts ERROR_CODES).
import { ERROR_CODES } from '../../agent/errors.js';

export function renderErrorTable(codes: Readonly<Record<string, string>> = ERROR_CODES): string {
  return [
    '| code | meaning |',
    '| --- | --- |',
    ...Object.entries(codes).map(([code, meaning]) => `| \`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
