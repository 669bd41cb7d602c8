// `npm run docs`: rewrites every generated section of the documents from the
// schema and the catalog. `--check` changes nothing and exits 1 when a
// document is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../../agent/util/paths.js';
import { GENERATED_SECTIONS } from './generated.js';
import { readSection, writeSection } from './sections.js';

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const section of GENERATED_SECTIONS) {
    const path = repoPath(section.file);
    const text = readFileSync(path, 'utf8');
    const content = section.render();
    if (readSection(text, section.name, section.file) === content) continue;
    stale += 1;
    if (check) {
      process.stderr.write(`${section.file}: section ${section.name} differs from ${section.source}; run npm run docs\n`);
    } else {
      writeFileSync(path, writeSection(text, section.name, content, section.file));
      process.stdout.write(`${section.file}: section ${section.name} rewritten from ${section.source}\n`);
    }
  }
  if (stale === 0) process.stdout.write('documents are up to date\n');
  return check && stale > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
