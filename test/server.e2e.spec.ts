import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, exitOf, startServer } from './support/server-process.js';

const main = join(import.meta.dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

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
    // Nest closes the app, then re-raises the signal so the exit status stays conventional.
    expect(await exitOf(server.child)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(server.output()).toContain('Event store closed; pending appends were written');
  });

  const startWith = (env: Record<string, string>) =>
    spawnSync(process.execPath, [main], {
      env: { ...process.env, PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('refuses to start with an unusable DATA_DIR and says why', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const result = startWith({ DATA_DIR: join(file, 'data') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `Cannot start: DATA_DIR '${join(file, 'data')}' cannot be used as the data directory`,
    );
  });

  it('refuses to start with a malformed EventStoreDB connection string and says why', () => {
    const result = startWith({
      DATA_DIR: dir,
      EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Cannot start: EVENTSTORE_CONNECTION_STRING is not a valid EventStoreDB connection string',
    );
  });

  it('refuses to start with a READ_YOUR_WRITES_TIMEOUT_MS that is not a number of milliseconds', () => {
    const result = startWith({ DATA_DIR: dir, READ_YOUR_WRITES_TIMEOUT_MS: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "Cannot start: READ_YOUR_WRITES_TIMEOUT_MS must be a whole number of milliseconds, at least 1, not 'abc'",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // One setting of each group (logs, readiness, metrics): the others are read with it.
  it.each([
    [
      'LOG_LEVEL',
      'bogus',
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'bogus'",
    ],
    [
      'READY_MAX_LAG_EVENTS',
      'lots',
      "READY_MAX_LAG_EVENTS must be a whole number of events, at least 1, not 'lots'",
    ],
    [
      'METRICS_TOKEN',
      'short',
      'METRICS_TOKEN must be at least 16 printable characters without spaces',
    ],
  ])('refuses to start with %s=%s, in one line', (name, value, message) => {
    const result = startWith({ DATA_DIR: dir, [name]: value });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Cannot start: ${message}`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});
