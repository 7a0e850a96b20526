// Worker thread of `patchbay backtest`: loads worker.ts through tsx (src/ ships with the package).
require('tsx/cjs/api').register();
require('./worker.ts');
