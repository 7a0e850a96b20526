// The patchbay Serverless plugin: dist/plugin.js, built from src/plugin by scripts/build.js (npm ci, npm pack and
// npm test run it). serverless.yml: `plugins: [patchbay]` in a project that depends on patchbay, `./plugin.js` here.
// A checkout that was never built falls back to compiling src/ with tsx (see TOOLCHAIN.md).
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, 'dist/plugin.js');
if (fs.existsSync(built)) module.exports = require(built).default;
else {
  require('tsx/cjs/api').register();
  module.exports = require('./src/plugin/index.ts').default;
}
