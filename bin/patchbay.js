#!/usr/bin/env node
// The patchbay command line: dist/cli.js, built from src/cli by scripts/build.js (npm ci, npm pack and npm test
// run it). A checkout that was never built falls back to compiling src/ with tsx at start-up.
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '../dist/cli.js');
const cli = fs.existsSync(built) ? require(built) : (require('tsx/cjs/api').register(), require('../src/cli/main.ts'));
cli.main(process.argv).then((code) => { process.exitCode = code; });
