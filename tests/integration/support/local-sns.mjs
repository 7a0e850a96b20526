// A local Amazon SNS endpoint for integration tests: express + serverless-offline-sns's SNSServer on 127.0.0.1.
//
// Usage: node tests/integration/support/local-sns.mjs [--port 0] [--region us-east-1] [--account 000000000000]
// Prints one JSON line when listening: {"ready":true,"port":12345,"endpoint":"http://127.0.0.1:12345","region":...}
// Stops on SIGTERM/SIGINT, or when its parent closes stdin (so a crashed test run leaves no process behind).
// Gaps of serverless-offline-sns (see shared/TOOLCHAIN.md): publishing to an unknown topic succeeds; HTTP
// deliveries are fire-and-forget (the Publish response does not wait for them).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    region: { type: 'string', default: 'us-east-1' },
    account: { type: 'string', default: '000000000000' },
    debug: { type: 'boolean', default: false },
  },
});

const require = createRequire(import.meta.url);
// The package exports only its plugin entry; its SNSServer lives next to it in dist/.
const pluginEntry = require.resolve('serverless-offline-sns');
const { SNSServer } = await import(pathToFileURL(path.join(path.dirname(pluginEntry), 'sns-server.js')).href);
const { default: express } = await import('express');

const app = express();
const debug = values.debug ? (message, context) => process.stderr.write(`[local-sns ${context}] ${message}\n`) : () => {};
new SNSServer(debug, app, values.region, values.account);

const server = app.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(
    `${JSON.stringify({ ready: true, port, endpoint: `http://127.0.0.1:${port}`, region: values.region, account: values.account })}\n`,
  );
});
server.on('error', (error) => {
  process.stderr.write(`local-sns: ${error.message}\n`);
  process.exit(1);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
