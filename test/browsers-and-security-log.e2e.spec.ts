import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { exitOf, startServer, type ServerProcess } from './support/server-process.js';
import { follow } from './support/ws.js';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';

/** The server as users run it: what browsers get, and what the security log says. */
describe('browsers and the security log', () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-browsers-'));
    server = await startServer({
      DATA_DIR: dir,
      CORS_ORIGINS: 'https://plan.example.org',
      METRICS_TOKEN: 'scrape-secret-1234',
      LIMIT_CONNECTIONS_PER_ADDRESS: '12',
    });
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  const preflight = (origin: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('lets pages of the allowed origins call it, and no others', async () => {
    const allowed = await preflight('https://plan.example.org');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://plan.example.org');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example.com' },
      body: '{"query":"{ health { status } }"}',
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket from a page of another origin at the upgrade, logged; its own pages, CORS_ORIGINS and clients without Origin are taken', async () => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/graphql`;
    const upgrade = (origin?: string) =>
      new Promise<{ status: number; body?: unknown }>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws', origin ? { origin } : {});
        socket.on('open', () => {
          socket.close();
          resolve({ status: 101 });
        });
        socket.on('unexpected-response', (_request, response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode!, body: JSON.parse(text) as unknown }),
          );
        });
        socket.on('error', reject);
      });
    const own = new URL(server.url);
    for (const origin of [undefined, 'https://plan.example.org', own.origin, `https://${own.host}`])
      expect([origin, (await upgrade(origin)).status]).toEqual([origin, 101]);
    for (const origin of [
      'https://evil.example.com',
      'http://plan.example.org',
      `http://127.0.0.1:${Number(own.port) + 1}`,
      'null',
    ])
      expect([origin, await upgrade(origin)]).toEqual([
        origin,
        {
          status: 403,
          body: {
            errors: [
              {
                message: `WebSocket connections are accepted from this server's own pages and those of CORS_ORIGINS, not from ${origin}`,
                extensions: { code: 'FORBIDDEN' },
              },
            ],
          },
        },
      ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      server
        .logLines()
        .filter((line) => line.context === 'Security' && /not from https:\/\/evil/.test(line.msg)),
    ).toEqual([
      expect.objectContaining({
        level: 'warn',
        code: 'FORBIDDEN',
        address: '127.0.0.1',
        correlationId: expect.any(String),
      }),
    ]);
  });

  it('sends security headers with every answer', async () => {
    for (const path of ['/graphql?query=%7B%20health%20%7B%20status%20%7D%20%7D', '/health/live']) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('content-security-policy')).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });

  it('logs a refused token and a refused action with the correlation id, never the token', async () => {
    const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.';
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-correlation-id': 'corr-refused-token',
      },
      body: '{"query":"{ health { status } }"}',
    });
    expect(refused.status).toBe(401);
    const forbidden = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-introspection' },
      body: '{"query":"{ __schema { types { name } } }"}',
    });
    expect(forbidden.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refusals = server.logLines().filter((line) => line.context === 'Security');
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warn',
          code: 'UNAUTHENTICATED',
          correlationId: 'corr-refused-token',
          address: expect.any(String),
        }),
        expect.objectContaining({ code: 'FORBIDDEN', correlationId: 'corr-introspection' }),
      ]),
    );
    expect(server.output()).not.toContain(token);
  });

  it('logs refusals outside GraphQL too: exports, metrics, oversized headers, connections beyond the limit', async () => {
    const user = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: 'export.user',
      roles: [],
    });
    const get = (path: string, headers: Record<string, string>) =>
      fetch(`${server.url}${path}`, { headers });
    expect(
      (await get('/exports/audit.csv', { 'x-correlation-id': 'corr-export-anon' })).status,
    ).toBe(401);
    expect(
      (
        await get('/exports/audit.jsonl', {
          authorization: `Bearer ${user}`,
          'x-correlation-id': 'corr-export-user',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await get('/metrics', {
          authorization: 'Bearer not-the-scrape-secret',
          'x-correlation-id': 'corr-metrics',
        })
      ).status,
    ).toBe(401);
    expect((await get('/health/live', { 'x-long': 'x'.repeat(20_000) })).status).toBe(431);
    // Connections held open until the server refuses one: logged once, however many follow.
    const { port } = new URL(server.url);
    const opened: Socket[] = [];
    try {
      let refused = 0;
      while (refused < 5 && opened.length < 40) {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => undefined);
        opened.push(socket);
        const closed = await new Promise<boolean>((resolve) => {
          socket.once('close', () => resolve(true));
          setTimeout(() => resolve(false), 150);
        });
        if (closed) refused++;
      }
      expect(refused).toBe(5);
    } finally {
      for (const socket of opened) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refusals = server.logLines().filter((line) => line.context === 'Security');
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warn',
          code: 'UNAUTHENTICATED',
          correlationId: 'corr-export-anon',
          address: '127.0.0.1',
        }),
        expect.objectContaining({
          code: 'FORBIDDEN',
          correlationId: 'corr-export-user',
          userId: 'export.user',
          address: '127.0.0.1',
        }),
        expect.objectContaining({
          code: 'UNAUTHENTICATED',
          correlationId: 'corr-metrics',
          msg: 'refused: /metrics needs Authorization: Bearer <METRICS_TOKEN>',
        }),
        expect.objectContaining({ code: 'LIMIT_EXCEEDED', limit: 'headerBytes' }),
      ]),
    );
    expect(refusals.filter((line) => line.limit === 'connectionsPerAddress')).toEqual([
      expect.objectContaining({
        level: 'warn',
        code: 'LIMIT_EXCEEDED',
        max: 12,
        address: '127.0.0.1',
        correlationId: expect.any(String),
      }),
    ]);
    expect(server.output()).not.toContain(user);
    expect(server.output()).not.toContain('not-the-scrape-secret');
  });

  it('logs a refused WebSocket operation with its address, correlation id and user', async () => {
    const token = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: 'ws.user',
      roles: [],
    });
    const socket = follow(
      `${server.url.replace(/^http/, 'ws')}/graphql`,
      'subscription { auditEvents { position } }',
      token,
    );
    try {
      await socket.until(() => socket.errors.length > 0);
      expect(socket.errors[0]![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const line = server
        .logLines()
        .find((l) => l.context === 'Security' && l.userId === 'ws.user');
      expect(line).toMatchObject({
        level: 'warn',
        code: 'FORBIDDEN',
        userId: 'ws.user',
        address: expect.any(String),
        correlationId: expect.any(String),
      });
    } finally {
      await socket.dispose();
    }
  });
  it('closes a WebSocket that sends a message too large or a broken frame, logged as a refusal and never as a fault', async () => {
    const closeOf = (send: (socket: WebSocket) => void) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(
          `${server.url.replace(/^http/, 'ws')}/graphql`,
          'graphql-transport-ws',
        );
        socket.on('open', () => send(socket));
        socket.on('close', (code) => resolve(code));
        socket.on('error', () => undefined);
      });
    expect(
      await closeOf((socket) => {
        socket.send(JSON.stringify({ type: 'connection_init' }));
        socket.send('x'.repeat(600 * 1024));
      }),
    ).toBe(1009);
    // A frame with its reserved bits set, which no WebSocket client sends.
    expect(
      await closeOf((socket) =>
        (socket as unknown as { _socket: Socket })._socket.write(
          Buffer.from([0xf1, 0x80, 0, 0, 0, 0]),
        ),
      ),
    ).toBe(1002);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.output()).not.toMatch(/Internal error|Please check your implementation/);
    const refusals = server.logLines().filter((line) => line.context === 'Security');
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warn',
          code: 'LIMIT_EXCEEDED',
          msg: 'refused: WebSocket message too large',
        }),
        expect.objectContaining({
          level: 'warn',
          code: 'BAD_REQUEST',
          msg: expect.stringMatching(/^refused: WebSocket frame refused/),
        }),
      ]),
    );
    expect(server.logLines().filter((line) => line.level === 'error')).toEqual([]);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });
});
