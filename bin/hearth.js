#!/usr/bin/env node
// The `hearth` command: the bundle or the compiled composition root does all
// the work; agent/cli/entry-choice.ts says which and why.
import { BUNDLE_PATH, COMPILED_PATH, chooseCliEntry } from '../dist/agent/cli/entry-choice.js';
import { pathToFileURL } from 'node:url';

await import(pathToFileURL(chooseCliEntry() === 'bundle' ? BUNDLE_PATH : COMPILED_PATH).href);
