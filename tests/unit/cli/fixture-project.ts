/** A small patchbay project in a temp directory, for CLI unit tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** An EventBridge envelope around `detail`. */
export function envelope(id: string, source: string, detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'Fixture Event',
    source,
    account: '111122223333',
    time: '2025-06-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

/**
 * Write a project: serverless.yml with functions `notify` and `audit` and topics `security`/`operations`, plus
 * the given pattern files and events (paths relative to the project root).
 * @returns the project root; remove it with `fs.rmSync(root, { recursive: true })`.
 */
export function writeFixtureProject(files: Record<string, string | object>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-fixture-'));
  const all: Record<string, string | object> = {
    'serverless.yml': [
      'service: fixture',
      'provider: { name: aws, region: eu-west-1 }',
      'custom:',
      '  patchbay:',
      '    topics:',
      '      security: { subscriptions: [] }',
      '      operations: { subscriptions: [] }',
      'functions:',
      '  notify: { handler: handlers/notify.handler }',
      '  audit: { handler: handlers/notify.handler }',
      '',
    ].join('\n'),
    ...files,
  };
  for (const [file, content] of Object.entries(all)) {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}
