// Which sections of which documents are generated, and from what.
import { renderConfigTable } from './config-reference.js';
import { renderErrorTable } from './error-reference.js';

export interface GeneratedSection {
  /** The document, relative to the repository root. */
  readonly file: string;
  readonly name: string;
  /** Where the facts come from, for the message of a stale section. */
  readonly source: string;
  readonly render: () => string;
}

export const GENERATED_SECTIONS: readonly GeneratedSection[] = [
  { file: 'docs/configuration.md', name: 'config-table', source: 'agent/config/schema.ts', render: () => renderConfigTable() },
  { file: 'docs/errors.md', name: 'error-table', source: 'agent/errors.ts', render: () => renderErrorTable() },
];
