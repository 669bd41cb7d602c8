// Aligned text tables for human output: a header row, columns padded to the
// widest cell, two spaces between columns, no trailing spaces.

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) => header.map((_, column) => (row[column] ?? '').padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}
