#!/usr/bin/env node
// The patchbay command line: dist/cli.js, built from src/cli by scripts/build.js (npm ci, npm pack and npm test
// run it). A checkout that was never built falls back to compiling src/ with tsx at start-up.
// route and replay use the AWS SDK on the developer's machine: its Node-version notice is about that machine (the
// function runs on nodejs22.x), so it is left out unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// route runs the notify handler here: its CloudWatch metric lines (embedded metric format) are not for a terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '../dist/cli.js');
const cli = fs.existsSync(built) ? require(built) : (require('tsx/cjs/api').register(), require('../src/cli/main.ts'));
cli.main(process.argv).then((code) => { process.exitCode = code; });
