import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { issueToken, loadOrCreateSigningKey, TokenVerifier } from '@ml/auth';
import { ensureBuilt, exitOf, startServer } from './support/server-process.js';
import { follow } from './support/ws.js';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);

/** The pids of a process's children, from /proc. */
const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );
const commandOf = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves with the URL the server says it serves at, from a process's output. */
function servingUrl(child: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.text += chunk.toString();
      const match = /serving GraphQL at (http:\/\/\S+)\/graphql/.exec(output.text);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output.text}`)));
  });
}

/** Sends a request's headers with `Expect: 100-continue` and holds its body back. */
async function holdRequest(url: string, body: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  // "100 Continue" means the server has read the headers: the request is running.
  while (!received.includes('100 Continue')) await new Promise((r) => setTimeout(r, 10));
  return {
    socket,
    received: () => received,
    closed,
    finish: () => socket.write(body),
  };
}

describe('started and stopped like a service', () => {
  let dir: string;
  // Whatever a failed test left running is killed, so that jest can end.
  const started: number[] = [];
  beforeAll(() => ensureBuilt());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ml-service-'))));
  afterEach(() => {
    for (const pid of started.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm start runs the server as its own child, and SIGTERM to npm stops it', async () => {
    const npm = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(npm.pid!);
    const output = { text: '' };
    const url = await servingUrl(npm, output);
    // npm's child is node itself (the script execs it), so signals to npm reach it.
    const [server, ...others] = childrenOf(npm.pid!);
    expect(others).toEqual([]);
    started.push(server!);
    expect(commandOf(server!)).toEqual([
      expect.stringMatching(/node$/),
      'dist/apps/api/src/main.js',
    ]);

    // The token, and only the token, as the README captures it, with the server's DATA_DIR.
    const captured = await run(
      'sh',
      [
        '-c',
        'TOKEN=$(npm run -s token -- --user fb02.wolf --role administrator) && printf %s "$TOKEN"',
      ],
      { cwd: root, env: { ...process.env, DATA_DIR: dir } },
    );
    expect(captured.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(captured.stderr).toBe('');
    const asking = (token: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ health { status } }' }),
      });
    expect((await asking(captured.stdout)).status).toBe(200);
    // With another DATA_DIR, another key: said on stderr, and the server refuses the token.
    const elsewhere = await run('npm', ['run', '-s', 'token', '--', '--user', 'fb02.wolf'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: join(dir, 'elsewhere') },
    });
    expect(elsewhere.stderr).toContain(
      `DATA_DIR '${join(dir, 'elsewhere')}' holds no event store yet, so it is probably not the server's`,
    );
    expect((await asking(elsewhere.stdout.trim())).status).toBe(401);

    npm.kill('SIGTERM');
    expect(await exitOf(npm)).toEqual({ code: 0, signal: null });
    expect(isRunning(server!)).toBe(false);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    expect(output.text).toContain('SIGTERM: stopping');
  });

  it('token --help, and --help on every verb, says how to use it and exits 0', async () => {
    const help = await run('npm', ['run', '-s', 'token', '--', '--help'], { cwd: root });
    expect(help.stdout).toContain('Usage: npm run cli -- token --user <id>');
    expect(help.stdout).toContain("give it the server's DATA_DIR");
    expect(help.stdout).toContain('more than 0 and at most 30d');
    for (const verb of ['seed-demo', 'rebuild-projections', 'show-event']) {
      const { stdout } = await run(
        process.execPath,
        ['dist/apps/cli/src/main.js', verb, '--help'],
        {
          cwd: root,
        },
      );
      expect(stdout).toContain(`Usage: npm run cli -- ${verb}`);
    }
    const { stdout } = await run(process.execPath, ['dist/apps/cli/src/main.js', '--help'], {
      cwd: root,
    });
    expect(stdout).toContain('Verbs:');
  });

  it('token refuses, in one line with exit code 2 and nothing on stdout, a ttl that is not a positive duration of at most 30 days and a user id that is not one', async () => {
    const token = (...args: string[]) =>
      run(process.execPath, ['dist/apps/cli/src/main.js', 'token', ...args], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          stdout: error.stdout,
          stderr: error.stderr,
        }),
      );
    const refusals: Array<[string[], RegExp]> = [
      [['--ttl', '999999999999y'], /^--ttl takes how long the token is valid: .* at most 30d\n$/],
      [['--ttl=-5h'], /^--ttl takes how long/],
      [['--ttl', '5h ago'], /^--ttl takes how long/],
      [['--ttl', '0s'], /^--ttl takes how long/],
      [['--ttl', '-5'], /^--ttl takes how long/],
      [
        ['--ttl', '31d'],
        /^--ttl takes at most 30d, the longest the server accepts a token for, not 31d\n$/,
      ],
      [['--ttl', '721h'], /^--ttl takes at most 30d/],
    ];
    for (const [args, said] of refusals) {
      const refused = await token('--user', 'fb02.wolf', ...args);
      expect({ args, ...refused }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(said),
      });
    }
    for (const user of ['a b\nc', 'x'.repeat(100_000), 'evil\u202Etxt', '']) {
      const refused = await token('--user', user);
      expect(refused).toEqual({
        code: 2,
        stdout: '',
        stderr:
          "--user takes a user id: 1 to 200 letters, digits or '.', '_', ':', '@', '+', '|', '-'\n",
      });
    }
    // As the review ran it: through npm, as the README says to.
    const viaNpm = await run(
      'npm',
      ['run', '-s', 'token', '--', '--user', 'x', '--ttl', '999999999999y'],
      {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir },
      },
    ).catch((error: { code: number; stdout: string }) => error);
    expect(viaNpm).toMatchObject({ code: 2, stdout: '' });
    // The longest allowed and the default are printed, and last as long as asked.
    const verifier = await TokenVerifier.create(await loadOrCreateSigningKey(dir));
    for (const [args, seconds] of [
      [['--ttl', '30d'], 30 * 86_400],
      [['--ttl', '90s'], 90],
      [[], 12 * 3600],
    ] as const) {
      const printed = await token('--user', 'fb02.wolf', ...args);
      expect(printed.code).toBe(0);
      const { exp, iat } = decodeJwt(printed.stdout.trim());
      expect(exp! - iat!).toBeGreaterThanOrEqual(seconds - 1);
      expect(exp! - iat!).toBeLessThanOrEqual(seconds);
      expect(await verifier.verify(printed.stdout.trim())).toMatchObject({ userId: 'fb02.wolf' });
    }
  });

  it('on SIGTERM, tells WebSockets it is going away, refuses new requests, lets running ones finish, and exits 0', async () => {
    const server = await startServer({ DATA_DIR: dir });
    started.push(server.child.pid!);
    const key = await loadOrCreateSigningKey(dir);
    const token = await issueToken(key, { userId: 'fb02.wolf', roles: ['administrator'] });
    const subscription = follow(
      `${server.url.replace(/^http/, 'ws')}/graphql`,
      'subscription { auditEvents { summary } }',
      token,
    );
    await subscription.started;
    const running = await holdRequest(server.url, '{"query":"{ health { status } }"}');

    server.child.kill('SIGTERM');
    await subscription.until(() => subscription.closed.length > 0);
    const [{ code, reason }] = subscription.closed as [{ code: number; reason: string }];
    expect({ code, reason }).toEqual({ code: 1001, reason: 'Going away' });
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'SHUTTING_DOWN' } }],
    });

    running.finish();
    await running.closed;
    expect(running.received()).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 OK/);
    expect(running.received()).toContain('{"data":{"health":{"status":"ok"}}}');
    expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
  });

  it('cuts what is still running after SHUTDOWN_GRACE_MS, and still exits 0', async () => {
    // The client may take longer to send its request than the test may last.
    const server = await startServer({
      DATA_DIR: dir,
      SHUTDOWN_GRACE_MS: '200',
      LIMIT_REQUEST_MS: '600000',
    });
    started.push(server.child.pid!);
    const stuck = await holdRequest(server.url, '{"query":"{ health { status } }"}');
    server.child.kill('SIGTERM');
    await stuck.closed;
    expect(stuck.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('still open after 200 ms (SHUTDOWN_GRACE_MS)');
  });
});
