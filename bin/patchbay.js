#!/usr/bin/env node
require('tsx/cjs/api').register();
require('../src/cli/main.ts').main(process.argv).then((code) => { process.exitCode = code; });
