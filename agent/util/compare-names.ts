// Orders names (services, nodes, jobs) as `a.localeCompare(b)` does, without
// ICU's collator for the names that are plain printable ASCII, which is what
// Consul and Nomad names are: the first localeCompare pages in ICU's
// collation data, about 3 MB resident in an agent that sorts its experts on
// every discovery change. The root collation, for printable ASCII: first by
// primary weight over the whole string (punctuation and symbols in their CLDR
// order, then digits, then letters regardless of case), then by case
// (lowercase first). Other text goes to localeCompare itself.
// compare-names.test.ts holds the two equal on random ASCII names.

/** Printable ASCII in the root collation's primary order; a letter's two cases share a weight. */
const PRIMARY_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789";

const PRIMARY = new Int16Array(128).fill(-1);
[...PRIMARY_ORDER].forEach((char, i) => (PRIMARY[char.charCodeAt(0)] = i));
for (let code = 0; code < 26; code += 1) {
  PRIMARY[0x61 + code] = PRIMARY_ORDER.length + code;
  PRIMARY[0x41 + code] = PRIMARY_ORDER.length + code;
}

function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

export function compareNames(a: string, b: string): number {
  if (!isPlainAscii(a) || !isPlainAscii(b)) return a.localeCompare(b);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const diff = (PRIMARY[a.charCodeAt(i)] ?? 0) - (PRIMARY[b.charCodeAt(i)] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // Same letters: the first difference in case decides, lowercase first.
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}
