#!/usr/bin/env node
/**
 * Build the JavaScript that ships: dist/cli.js (the `patchbay` bin) and dist/plugin.js (the Serverless plugin),
 * bundled from src/ with esbuild (CommonJS, Node 20, dependencies left to node_modules). The bin and plugin.js
 * load these, so nothing compiles TypeScript at start-up (about 300 ms saved on every command).
 *
 * Runs on `npm ci` / `npm install` (prepare), before `npm pack` / `npm publish` (prepack) and at the start of
 * `npm test`, so the tests always run what ships. About 1 s.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

esbuild
  .build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts', plugin: 'src/plugin/index.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  })
  .catch(() => {
    process.exitCode = 1;
  });
