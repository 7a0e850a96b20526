// The patchbay plugin of this repository. In your own project, point serverless.yml `plugins` at your installed
// copy instead. PATCHBAY_PLUGIN lets the tests run a copy of this example from a temporary directory.
module.exports = require(process.env.PATCHBAY_PLUGIN || '../../plugin.js');
