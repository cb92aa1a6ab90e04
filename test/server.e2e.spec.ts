import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, exitOf, startServer } from './support/server-process.js';

describe('the server process', () => {
  let dir: string;
  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-server-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on the embedded default, serves /health and /graphql, and stops cleanly on SIGTERM', async () => {
    const server = await startServer({ DATA_DIR: dir });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        info: { 'event-store': { status: 'up', engine: 'sqlite' } },
      });
      expect(existsSync(join(dir, 'events.sqlite'))).toBe(true);

      const graphql = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ health { status engine state } }' }),
      });
      expect(await graphql.json()).toEqual({
        data: { health: { status: 'ok', engine: 'sqlite', state: 'up' } },
      });
    } finally {
      server.child.kill('SIGTERM');
    }
    // Stopped as asked, not killed: a supervisor sees a clean exit.
    expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('Event store closed; pending appends were written');
  });
});
