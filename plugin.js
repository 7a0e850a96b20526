// Loads the TypeScript plugin (src/plugin) through tsx; see TOOLCHAIN.md. serverless.yml: plugins: [./plugin.js]
require('tsx/cjs/api').register();
module.exports = require('./src/plugin/index.ts').default;
