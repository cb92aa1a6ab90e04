import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { exitOf, startServer, type LogLine, type ServerProcess } from './support/server-process.js';
import { follow } from './support/ws.js';

const ESCAPE = '\u001b[';
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

/** The server as users run it, its standard output a pipe: what its log says, line by line. */
describe('the log', () => {
  let dir: string;
  let server: ServerProcess;
  let token: string;

  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
  const registerActor = (id: string, correlationId: string) =>
    post(
      `mutation Register { registerActor(input: { actorId: "${id}", name: "Actor ${id}", kind: COMPANY }) { version } }`,
      { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId },
    );
  const linesOf = (correlationId: string) =>
    server.logLines().filter((line) => line.correlationId === correlationId);
  const requestLine = (correlationId: string) =>
    linesOf(correlationId).find((line) => line.path === '/graphql');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-logs-'));
    server = await startServer({ DATA_DIR: dir, LOG_LEVEL: 'debug' });
    token = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: 'fb02.wolf',
      roles: ['administrator'],
    });
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line per request what was asked, by whom, how it went, how long it took, under the correlation id the client sent', async () => {
    expect((await registerActor('logged-1', 'corr-logs-1')).status).toBe(200);
    await settle();
    expect(requestLine('corr-logs-1')).toMatchObject({
      level: 'info',
      msg: 'POST /graphql 200 mutation Register',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      operationType: 'mutation',
      operationName: 'Register',
      field: 'registerActor',
      outcome: 'ok',
      userId: 'fb02.wolf',
      address: '127.0.0.1',
    });
    expect(linesOf('corr-logs-1').filter((line) => line.path === '/graphql')).toHaveLength(1);
  });

  it('puts that correlation id on the lines logged while the request is served, and on its events', async () => {
    expect((await registerActor('logged-2', 'corr-logs-2')).status).toBe(200);
    await settle();
    // The command path's line, logged deep inside the request (at debug).
    expect(linesOf('corr-logs-2')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'debug',
          context: 'Commands',
          msg: 'RegisterActor stored',
          userId: 'fb02.wolf',
          stream: 'actor-logged-2',
        }),
      ]),
    );
    const audit = await post(
      '{ auditTrail(filter: { correlationId: "corr-logs-2" }) { edges { node { eventType correlationId } } } }',
      { authorization: `Bearer ${token}` },
    );
    expect(await audit.json()).toEqual({
      data: {
        auditTrail: {
          edges: [{ node: { eventType: 'ActorRegistered', correlationId: 'corr-logs-2' } }],
        },
      },
    });
  });

  it('gives a request without a correlation id one of its own, the same on its lines and its events', async () => {
    expect(
      (
        await post(
          `mutation { registerActor(input: { actorId: "logged-3", name: "Actor 3", kind: COMPANY }) { version } }`,
          { authorization: `Bearer ${token}` },
        )
      ).status,
    ).toBe(200);
    await settle();
    const line = server
      .logLines()
      .find((l) => l.context === 'Commands' && l.stream === 'actor-logged-3') as LogLine;
    expect(line.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLine(line.correlationId as string)).toMatchObject({ field: 'registerActor' });
    const audit = await post(
      `{ auditTrail(filter: { correlationId: "${line.correlationId}" }) { edges { node { eventType } } } }`,
      { authorization: `Bearer ${token}` },
    );
    expect(await audit.json()).toEqual({
      data: { auditTrail: { edges: [{ node: { eventType: 'ActorRegistered' } }] } },
    });
  });

  it("logs a client's mistakes as outcomes at info (refusals at warn), never as faults of the server", async () => {
    await registerActor('logged-1', 'corr-again');
    await post('{ masterplan(id: "nope") { title } }', { 'x-correlation-id': 'corr-missing' });
    await post('{ nope }', { 'x-correlation-id': 'corr-invalid' });
    await post('{ health { status } }', {
      authorization: 'Bearer not.a.token',
      'x-correlation-id': 'corr-bad-token',
    });
    await post('{ __schema { types { name } } }', { 'x-correlation-id': 'corr-introspection' });
    await settle();
    expect(
      ['corr-again', 'corr-missing', 'corr-invalid', 'corr-bad-token', 'corr-introspection'].map(
        (id) => requestLine(id),
      ),
    ).toEqual([
      expect.objectContaining({ level: 'info', status: 200, outcome: 'ALREADY_EXISTS' }),
      expect.objectContaining({ level: 'info', status: 200, outcome: 'NOT_FOUND' }),
      expect.objectContaining({ level: 'info', status: 200, outcome: 'GRAPHQL_VALIDATION_FAILED' }),
      expect.objectContaining({ level: 'info', status: 401, outcome: 'UNAUTHENTICATED' }),
      expect.objectContaining({ level: 'info', status: 200, outcome: 'FORBIDDEN' }),
    ]);
    expect(linesOf('corr-bad-token')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', context: 'Security', code: 'UNAUTHENTICATED' }),
      ]),
    );
    expect(server.logLines().filter((line) => ['error', 'fatal'].includes(line.level))).toEqual([]);
  });

  it('never writes a token, wherever it was sent', async () => {
    const socket = follow(
      `${server.url.replace(/^http/, 'ws')}/graphql`,
      'subscription { auditEvents { position } }',
      token,
    );
    await socket.started;
    await socket.dispose();
    await registerActor('logged-4', 'corr-token');
    await settle();
    const [header, payload, signature] = token.split('.');
    for (const part of [header, payload, signature]) expect(server.output()).not.toContain(part);
    expect(server.output()).not.toMatch(/bearer/i);
  });

  it('logs one line per WebSocket operation once it ended', async () => {
    const socket = follow(
      `${server.url.replace(/^http/, 'ws')}/graphql`,
      'query Plans { health { status } }',
      token,
    );
    await socket.until(() => socket.completed);
    await socket.dispose();
    await settle();
    expect(
      server.logLines().find((line) => line.transport === 'websocket' && line.field === 'health'),
    ).toMatchObject({
      level: 'info',
      context: 'Requests',
      msg: 'WS /graphql query Plans',
      operationType: 'query',
      operationName: 'Plans',
      outcome: 'ok',
      userId: 'fb02.wolf',
      correlationId: expect.any(String),
      durationMs: expect.any(Number),
    });
  });

  it('logs health probes and scrapes at debug only, so that at info they make no noise', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics'])
      expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    await settle();
    const probes = server
      .logLines()
      .filter((line) =>
        ['/health/live', '/health/ready', '/metrics'].includes(line.path as string),
      );
    expect(probes.map((line) => [line.path, line.level])).toEqual(
      expect.arrayContaining([
        ['/health/live', 'debug'],
        ['/health/ready', 'debug'],
        ['/metrics', 'debug'],
      ]),
    );
    expect(probes.every((line) => line.level === 'debug')).toBe(true);
  });

  it('writes JSON lines without escape codes when its output is not a terminal', () => {
    const lines = server.logLines();
    expect(lines.length).toBeGreaterThan(10);
    expect(server.output()).not.toContain(ESCAPE);
    expect(
      lines.every((line) => typeof line.time === 'string' && typeof line.msg === 'string'),
    ).toBe(true);
  });
});

describe('the log as text (LOG_FORMAT=pretty)', () => {
  it('is for people, and has no escape codes in a file or pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-logs-pretty-'));
    const server = await startServer({ DATA_DIR: dir, LOG_FORMAT: 'pretty' });
    try {
      await fetch(`${server.url}/graphql?query=%7B%20health%20%7B%20status%20%7D%20%7D`);
      await settle();
      expect(server.output()).toMatch(/INFO.*Server: Masterplan Ledger serving GraphQL at http/);
      expect(server.output()).toMatch(/INFO.*GET \/graphql 200 query health/);
      expect(server.output()).not.toContain(ESCAPE);
      expect(() => server.logLines()).toThrow('not JSON');
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
