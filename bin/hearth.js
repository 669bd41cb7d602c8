#!/usr/bin/env node
// The `hearth` command: the compiled composition root does all the work.
import '../dist/agent/main.js';
