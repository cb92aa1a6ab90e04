import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/server-process.js';

const main = join(import.meta.dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** The built server started with `env`, until it exits. */
function startWith(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('a bad setting stops the server at start, in one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-settings-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const taken: Server = createServer();
  beforeAll(async () => {
    ensureBuilt();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  // [the setting the line names, the environment, what the line says]; TAKEN: a port in use.
  const cases: Array<[string, Record<string, string>, string]> = [
    ['PORT', { PORT: '' }, 'PORT is empty'],
    ['PORT', { PORT: '0x10' }, "PORT must be a port number from 0 to 65535, not '0x10'"],
    ['PORT', { PORT: '70000' }, "not '70000'"],
    ['PORT', { PORT: 'TAKEN' }, 'is in use on 127.0.0.1'],
    ['HOST', { HOST: 'not-a-host' }, "HOST 'not-a-host' does not resolve to an address"],
    ['HOST', { HOST: 'not a host' }, 'HOST must be an IP address or a host name'],
    ['HOST', { HOST: '192.0.2.1' }, "HOST '192.0.2.1' is not an address of this machine"],
    ['DATA_DIR', { DATA_DIR: '/proc/ml-data' }, "DATA_DIR '/proc/ml-data' cannot be used"],
    ['DATA_DIR', { DATA_DIR: file }, 'is a file, not a directory'],
    ['DATA_DIR', { DATA_DIR: join(file, 'data') }, 'is a file, not a directory'],
    ['SQLITE_DURABILITY', { SQLITE_DURABILITY: 'bogus' }, 'must be FULL, NORMAL or EXTRA'],
    ['SQLITE_WRITER', { SQLITE_WRITER: 'worker' }, 'must be inline or thread'],
    [
      'EVENTSTORE_CONNECTION_STRING',
      { EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' },
      'is not a valid EventStoreDB connection string',
    ],
    ['JWT_JWKS_URL', { JWT_JWKS_URL: 'notaurl' }, 'must be an http or https URL'],
    ['JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: 'not\na key' }, "not 'not\\na key'"],
    [
      'READ_YOUR_WRITES_TIMEOUT_MS',
      { READ_YOUR_WRITES_TIMEOUT_MS: 'abc' },
      'must be a whole number of milliseconds, from 1 to 2147483647',
    ],
    ['MASTERPLAN_REACTIONS', { MASTERPLAN_REACTIONS: 'maybe' }, 'must be on or off'],
    ['LOG_LEVEL', { LOG_LEVEL: 'bogus' }, 'must be fatal, error, warn, info'],
    ['LOG_FORMAT', { LOG_FORMAT: 'xml' }, 'must be json or pretty'],
    ['READY_MAX_LAG_EVENTS', { READY_MAX_LAG_EVENTS: 'lots' }, 'must be a whole number'],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }, 'must be at least 16 printable characters'],
    ['GRAPHQL_EXPLORER', { GRAPHQL_EXPLORER: 'maybe' }, 'must be on or off'],
    [
      'AUDIT_CHECKPOINT_MINUTES',
      { AUDIT_CHECKPOINT_MINUTES: '1h' },
      'must be a whole number of minutes',
    ],
    ['SHUTDOWN_GRACE_MS', { SHUTDOWN_GRACE_MS: '10s' }, "not '10s'"],
    ['TRUST_PROXY', { TRUST_PROXY: 'on' }, 'must be off, a number of hops'],
    ['CORS_ORIGINS', { CORS_ORIGINS: '*' }, 'must be web origins'],
    ['GRAPHQL_INTROSPECTION', { GRAPHQL_INTROSPECTION: 'yes' }, 'must be on'],
    ['LIMIT_QUERY_COST', { LIMIT_QUERY_COST: 'lots' }, 'must be a whole number'],
    ['LIMIT_QUERY_DEPHT', { LIMIT_QUERY_DEPHT: '8' }, 'did you mean LIMIT_QUERY_DEPTH?'],
  ];

  it.concurrent.each(cases)('%s: %j', async (setting, env, says) => {
    const port = String((taken.address() as AddressInfo).port);
    const dataDir = join(dir, `data-${setting}-${Math.random().toString(36).slice(2)}`);
    const { code, stdout, stderr } = await startWith({
      DATA_DIR: dataDir,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'TAKEN' ? port : v])),
    });
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Cannot start: ${setting}\\b`));
    expect(lines[0]).toContain(says);
    expect(stderr + stdout).not.toContain('    at ');
    // Refused before anything was opened, created or written.
    expect(stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
    expect(readdirSync(dir)).toEqual(['a-file']);
  });
});
