import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAudits } from 'graphql-http';
import { startApp, type RunningApp } from './support/app.js';

describe('GraphQL over HTTP, as the spec says', () => {
  let dir: string;
  let running: RunningApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-audit-'));
    // The audit reads the schema anonymously (`__type`): the protocol is tested, not our policy.
    running = await startApp(dir, { introspection: 'on' });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const audit of serverAudits({ url: () => running.url, fetchFn: fetch })) {
    if (!/^(MUST|SHOULD)/.test(audit.name)) continue;
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect({
        status: result.status,
        reason: 'reason' in result ? result.reason : undefined,
      }).toEqual({ status: 'ok', reason: undefined });
    });
  }
});
