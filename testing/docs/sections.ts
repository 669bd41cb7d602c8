// A generated section of a Markdown file sits between two comment lines:
//   <!-- generated: NAME (npm run docs) -->
//   ...
//   <!-- end generated: NAME -->
// The prose around it is written by hand; the section is only ever written by
// `npm run docs`.
import { HearthError } from '../../agent/errors.js';

const begin = (name: string): string => `<!-- generated: ${name} (npm run docs) -->`;
const end = (name: string): string => `<!-- end generated: ${name} -->`;

function bounds(text: string, name: string, file: string): { from: number; to: number } {
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  if (from === -1 || to === -1 || to < from) {
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected ${file} to hold the lines ${begin(name)} and ${end(name)}, in that order; got ${from === -1 ? 'no' : 'a'} start line and ${to === -1 ? 'no' : 'an'} end line.`);
  }
  return { from: from + begin(name).length, to };
}

/** The text between the section's marker lines, without the line breaks next to them. */
export function readSection(text: string, name: string, file: string): string {
  const { from, to } = bounds(text, name, file);
  return text.slice(from, to).replace(/^\n/, '').replace(/\n$/, '');
}

export function writeSection(text: string, name: string, content: string, file: string): string {
  const { from, to } = bounds(text, name, file);
  return `${text.slice(0, from)}\n${content}\n${text.slice(to)}`;
}
