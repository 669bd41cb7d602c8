// The product's TypeScript sources as the architecture tests read them: every
// file under agent/ and jobs/ that is not a test, with the repository-relative
// paths of the modules it imports (static, type-only, re-exports and dynamic
// import() alike).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { repoRoot } from '../../agent/util/paths.js';

export const PRODUCT_DIRS = ['agent', 'jobs'] as const;

export interface SourceFile {
  /** Repository-relative, with forward slashes: `agent/bpf/monitor.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface ImportEdge {
  /** As written in the source. */
  readonly specifier: string;
  /** Repository-relative `.ts` path for a relative specifier; undefined for a package. */
  readonly target: string | undefined;
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'golden' || entry.name === 'node_modules' ? [] : listTs(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

export function isTestFile(path: string): boolean {
  return path.endsWith('.test.ts');
}

/** Every product source file (agent/ and jobs/, tests excluded), sorted by path. */
export function productSources(): SourceFile[] {
  const root = repoRoot();
  return PRODUCT_DIRS.flatMap((dir) => listTs(join(root, dir)))
    .map((file) => ({ path: relative(root, file).split('\\').join('/'), text: readFileSync(file, 'utf8') }))
    .filter((file) => !isTestFile(file.path))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const IMPORT = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Comments removed, so an import written in a comment is not read as one. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** The modules `file` imports, relative ones resolved to repository-relative `.ts` paths. */
export function importsOf(file: SourceFile): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of withoutComments(file.text).matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier === undefined) continue;
    const target = specifier.startsWith('.')
      ? posix.normalize(posix.join(dirname(file.path), specifier)).replace(/\.js$/, '.ts')
      : undefined;
    edges.push({ specifier, target });
  }
  return edges;
}
