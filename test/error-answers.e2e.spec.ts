import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { dataOf, startApp, type GraphQLResponse, type RunningApp } from './support/app.js';

/** What docs/api.md promises of every error: one GraphQL error with a message and a code. */
const errorShaped = (code: string) => ({
  errors: [{ message: expect.any(String), extensions: expect.objectContaining({ code }) }],
});

/** The server's edges outside GraphQL execution: paths, methods, tokens, bytes. */
describe('error answers at the edges of the server', () => {
  let dir: string;
  let running: RunningApp;
  let base: string;
  let store: EventStore;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-error-answers-'));
    running = await startApp(dir, {}, { metrics: { token: 'a-scraper-token-0123456789' } });
    base = running.url.replace(/\/graphql$/, '');
    store = running.app.get(EVENT_STORE);
    admin = await running.token('fb02.admin', { administrator: true });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (method: string, path: string, init: RequestInit = {}) => {
    const answer = await fetch(`${base}${path}`, { method, ...init });
    const text = await answer.text();
    return {
      status: answer.status,
      headers: answer.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };

  it('answers a path nothing serves NOT_FOUND, and a known path asked with another method 405 with Allow, as every error', async () => {
    for (const [method, path, status, code, allow] of [
      ['GET', '/nope', 404, 'NOT_FOUND', null],
      ['POST', '/nope', 404, 'NOT_FOUND', null],
      ['GET', '/exports/nope.csv', 404, 'NOT_FOUND', null],
      ['POST', '/exports/audit.csv', 405, 'BAD_REQUEST', 'GET, HEAD'],
      ['POST', '/health/live', 405, 'BAD_REQUEST', 'GET, HEAD'],
      ['DELETE', '/metrics', 405, 'BAD_REQUEST', 'GET, HEAD'],
      ['POST', '/graphql/explorer/main.js', 405, 'BAD_REQUEST', 'GET, HEAD'],
      ['DELETE', '/graphql', 405, 'BAD_REQUEST', 'GET, POST'],
    ] as const) {
      const answer = await ask(method, path);
      expect([method, path, answer.status, answer.headers.get('allow')]).toEqual([
        method,
        path,
        status,
        allow,
      ]);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.body).toEqual(errorShaped(code));
    }
    expect((await ask('GET', '/nope')).body).toEqual({
      errors: [
        {
          message: 'There is nothing at GET /nope; GraphQL is served at /graphql',
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
    expect((await ask('POST', '/health/live')).body).toEqual({
      errors: [
        {
          message: '/health/live answers GET, HEAD, not POST',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    // A long path is not quoted back whole.
    const long = await ask('GET', `/${'x'.repeat(5_000)}`);
    expect(JSON.stringify(long.body).length).toBeLessThan(600);
  });

  it('answers a body Fastify refuses on any path as every error: not JSON, too large', async () => {
    const json = { 'content-type': 'application/json' };
    expect(await ask('POST', '/nope', { headers: json, body: '{"query":' })).toMatchObject({
      status: 400,
      body: errorShaped('BAD_REQUEST'),
    });
    expect(
      await ask('POST', '/nope', { headers: json, body: `"${'a'.repeat(600 * 1024)}"` }),
    ).toMatchObject({
      status: 413,
      body: {
        errors: [
          {
            message: 'The request body is larger than 524288 bytes',
            extensions: { code: 'LIMIT_EXCEEDED', limit: 'bodyBytes', max: 524288 },
          },
        ],
      },
    });
  });

  it('answers every 401 UNAUTHENTICATED with WWW-Authenticate: Bearer: /metrics, the exports, GraphQL', async () => {
    for (const [path, headers] of [
      ['/metrics', {}],
      ['/metrics', { authorization: 'Bearer a-scraper-token-012345678' }],
      ['/exports/audit.csv', {}],
      ['/exports/audit.jsonl', { authorization: 'Bearer not.a.token' }],
      ['/graphql?query=%7B%20health%20%7B%20status%20%7D%20%7D', { authorization: 'Bearer x' }],
    ] as const) {
      const answer = await ask('GET', path, { headers });
      expect([path, answer.status, answer.headers.get('www-authenticate')]).toEqual([
        path,
        401,
        'Bearer',
      ]);
      expect(answer.body).toEqual(errorShaped('UNAUTHENTICATED'));
    }
    expect((await ask('GET', '/metrics')).body).toEqual({
      errors: [
        {
          message: '/metrics needs Authorization: Bearer <METRICS_TOKEN>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });

  it('keeps the health answers as documented', async () => {
    expect(await ask('GET', '/health/live')).toMatchObject({
      status: 200,
      body: { status: 'live' },
    });
    expect(await ask('GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', error: {} },
    });
  });

  const registerActor = (name: Buffer) =>
    Buffer.concat([
      Buffer.from(
        JSON.stringify({
          query:
            'mutation($name: String!) { registerActor(input: { actorId: "bytes", name: $name, kind: CHAMBER }) { version } }',
        }).slice(0, -1) + ',"variables":{"name":"',
      ),
      name,
      Buffer.from('"}}'),
    ]);
  const post = (body: Buffer) =>
    fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body,
    });

  it('refuses a JSON body that is not valid UTF-8 with 400 BAD_REQUEST, appending nothing', async () => {
    const head = await store.headPosition();
    for (const bytes of [
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]), // "caf\xe9 \xff\xfe", Latin-1
      Buffer.from([0x41, 0xc0, 0xaf]), // an overlong "/"
      Buffer.from([0x41, 0xed, 0xa0, 0x80]), // half a surrogate pair, encoded
      Buffer.from([0x41, 0xe2, 0x82]), // a character cut short
    ]) {
      const answer = await post(registerActor(bytes));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        errors: [
          { message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } },
        ],
      });
    }
    expect(await store.headPosition()).toBe(head);
    // The same name as UTF-8 is taken, and stored as sent.
    const answer = await post(registerActor(Buffer.from('café ÿþ')));
    expect(answer.status).toBe(200);
    dataOf((await answer.json()) as GraphQLResponse);
    expect(
      dataOf(await running.gql<{ actor: { name: string } }>('{ actor(id: "bytes") { name } }')),
    ).toEqual({ actor: { name: 'café ÿþ' } });
  });

  it('refuses a query string whose percent-escapes are not UTF-8, and takes those that are', async () => {
    const query = encodeURIComponent('{ health { status } }');
    for (const escapes of ['%FF', 'caf%E9', '%C0%AF', '%ED%A0%80']) {
      const answer = await ask('GET', `/graphql?query=${query}&x=${escapes}`);
      expect([escapes, answer.status]).toEqual([escapes, 400]);
      expect(answer.body).toEqual(errorShaped('BAD_REQUEST'));
    }
    for (const fine of ['caf%C3%A9', '100%', '%zz'])
      expect((await ask('GET', `/graphql?query=${query}&x=${fine}`)).body).toEqual({
        data: { health: { status: 'ok' } },
      });
  });

  it('answers a path whose percent-escapes are not UTF-8, and an OPTIONS that is no preflight, in the one shape', async () => {
    for (const path of ['/%ff', '/graphql/%ff', '/exports/declarations/%E2%82/pdf']) {
      const answer = await ask('GET', path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body).toEqual(errorShaped('BAD_REQUEST'));
    }
    // Not a plain-text "Invalid Preflight Request".
    const options = await ask('OPTIONS', '/graphql');
    expect(options.status).toBeLessThan(400);
  });
});
