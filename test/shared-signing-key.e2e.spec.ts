import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitOf, startServer, type ServerProcess } from './support/server-process.js';

const dist = join(import.meta.dirname, '..', 'dist', 'apps');
const cli = join(dist, 'cli', 'src', 'main.js');
const main = join(dist, 'api', 'src', 'main.js');

describe('instances behind a load balancer (JWT_PRIVATE_KEY_FILE)', () => {
  let dir: string;
  const servers: ServerProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-shared-key-'));
    mkdirSync(join(dir, 'keys'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // Each instance keeps its own read models (DATA_DIR) and shares the key file, as the
  // cluster compose file sets them up.
  const settings = (name: string, shared = true) => ({
    DATA_DIR: join(dir, name),
    LOG_LEVEL: 'silent',
    ...(shared ? { JWT_PRIVATE_KEY_FILE: join(dir, 'keys', 'jwt-signing-key.json') } : {}),
  });
  const tokenFrom = (env: Record<string, string>) =>
    execFileSync(process.execPath, [cli, 'token', '--user', 'fb02.wolf'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    }).trim();
  // Reading the schema needs a token by default (GRAPHQL_INTROSPECTION=authenticated).
  const askWith = async (server: ServerProcess, token: string) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    return { status: response.status, body: await response.json() };
  };

  it('a token the CLI printed with the shared key is valid at every instance; one of another key at none', async () => {
    servers.push(
      ...(await Promise.all([startServer(settings('one')), startServer(settings('two'))])),
    );
    const shared = tokenFrom(settings('operator'));
    const stranger = tokenFrom(settings('elsewhere', false));
    for (const server of servers) {
      expect(await askWith(server, shared)).toEqual({
        status: 200,
        body: { data: { __schema: { queryType: { name: 'Query' } } } },
      });
      expect(await askWith(server, stranger)).toMatchObject({
        status: 401,
        body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
  });

  it('refuses to start with a key file it cannot use, in one line', () => {
    const garbage = join(dir, 'keys', 'garbage.pem');
    writeFileSync(
      garbage,
      '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
      { mode: 0o600 },
    );
    for (const [file, why] of [
      [join(dir, 'nowhere', 'key.json'), 'does not exist and cannot be created: no such directory'],
      [garbage, 'holds no ES256 private key'],
    ]) {
      const result = spawnSync(process.execPath, [main], {
        env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'one'), JWT_PRIVATE_KEY_FILE: file },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^Cannot start: JWT_PRIVATE_KEY_FILE '${file}' ${why}`)),
      ]);
    }
  });

  it('refuses to start with a key file of its own that others may read, in one line saying how to fix it', () => {
    const shared = join(dir, 'keys', 'jwt-signing-key.json');
    tokenFrom(settings('operator'));
    mkdirSync(join(dir, 'two'));
    const own = join(dir, 'two', 'jwt-signing-key.json');
    tokenFrom(settings('two', false));
    for (const [file, env, setting] of [
      [shared, settings('one'), 'JWT_PRIVATE_KEY_FILE'],
      [own, settings('two', false), 'The signing key'],
    ] as const) {
      chmodSync(file, 0o644);
      const result = spawnSync(process.execPath, [main], {
        env: { ...process.env, PORT: '0', ...env, LOG_LEVEL: 'info' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `Cannot start: ${setting} '${file}' is open to other users than its owner (mode 0644); make it its owner's only: chmod 600 ${file}`,
      ]);
      expect(result.stdout).toBe('');
    }
  });

  // Giving a file to another user needs root; elsewhere this case cannot be made.
  (process.getuid?.() === 0 ? it : it.skip)(
    "starts with another user's key file others may read (a mounted secret), saying so in its log",
    async () => {
      const env = settings('one');
      const file = join(dir, 'keys', 'jwt-signing-key.json');
      tokenFrom(env);
      chownSync(file, 4242, 4242);
      chmodSync(file, 0o440);
      const server = await startServer({ ...env, LOG_LEVEL: 'warn' });
      servers.push(server);
      expect(server.logLines()).toEqual([
        expect.objectContaining({
          level: 'warn',
          context: 'SigningKey',
          msg: expect.stringMatching(
            /^JWT_PRIVATE_KEY_FILE '.*' is open to other users than its owner \(mode 0440\); it belongs to another user \(a mounted secret\?\), so it is used as it is/,
          ),
        }),
      ]);
    },
  );
});
