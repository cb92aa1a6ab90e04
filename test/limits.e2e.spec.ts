import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import type { Limits } from '../apps/api/src/graphql/limits.js';
import { dataOf, startApp, type GraphQLResponse } from './support/app.js';
import { follow, type Following } from './support/ws.js';

/**
 * No request can take the server down: each limit refuses what goes beyond it before
 * anything runs, with LIMIT_EXCEEDED (or RATE_LIMITED) naming the limit, and the server
 * goes on answering. Real HTTP and WebSocket against the started app.
 */
const MASTERPLAN = `mutation { initiateMasterplan(input: { masterplanId: "mp", title: "Plan", region: "Aachen",
  motion: { reference: "m", title: "m", filedBy: "f", filedOn: "2012-11-20" },
  resolution: { reference: "r", body: "b", decidedOn: "2013-03-12" } }) { version } }`;

async function started(limits: Partial<Limits> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ml-limits-'));
  const running = await startApp(dir, limits);
  const admin = await running.token('admin', { administrator: true });
  return {
    running,
    admin,
    post: (body: string, headers: Record<string, string> = {}) =>
      fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
    close: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const limitOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions;

describe('limits before execution', () => {
  let app: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    app = await started();
    dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
  });
  afterAll(() => app.close());

  const stillServing = async () =>
    expect(dataOf(await app.running.gql('{ health { status } }'))).toEqual({
      health: { status: 'ok' },
    });

  it('refuses the nesting bomb users found (15 pairs deep), and keeps serving', async () => {
    const bomb = `{ masterplan(id: "mp") { ${'measures { masterplan { '.repeat(15)} id ${'} } '.repeat(15)} } }`;
    expect(limitOf(await app.running.gql(bomb))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'depth',
      max: 12,
    });
    await stillServing();
  });

  it('refuses a query whose answer could multiply beyond the cost limit, even when shallow enough', async () => {
    const fanOut = `{ actors { commitments { measure { commitments { actor { commitments { measure { commitments { id } } } } } } } } }`;
    const answer = await app.running.gql(fanOut);
    expect(limitOf(answer)).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'cost', max: 20_000 });
    expect(answer.errors![0]!.message).toMatch(/could return about \d+ objects/);
    // A paged connection costs by its page size.
    const admin = app.admin;
    expect(
      limitOf(
        await app.running.gql(
          `{ masterplan(id: "mp") { measures { commitments { history(first: 500) { edges { node { position } } } } } } }`,
          {},
          admin,
        ),
      ),
    ).toMatchObject({ limit: 'cost' });
    expect(
      (
        await app.running.gql(
          `{ masterplan(id: "mp") { measures { commitments { history(first: 5) { edges { node { position } } } } } } }`,
          {},
          admin,
        )
      ).errors,
    ).toBeUndefined();
  });

  it('refuses too many aliases, directives and tokens', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: health { status }`).join(' ')} }`;
    expect(limitOf(await app.running.gql(aliases))).toMatchObject({ limit: 'aliases', max: 30 });
    const typenames = `{ ${Array.from({ length: 31 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    expect(limitOf(await app.running.gql(typenames))).toMatchObject({ limit: 'aliases', max: 30 });
    const directives = `{ ${'health @include(if: true) { status } '.repeat(51)} }`;
    expect(limitOf(await app.running.gql(directives))).toMatchObject({
      limit: 'directives',
      max: 50,
    });
    const tokens = `{ health { ${'status '.repeat(6000)} } }`;
    expect(limitOf(await app.running.gql(tokens))).toMatchObject({ limit: 'tokens', max: 5000 });
    await stillServing();
  });

  it('refuses a 5,000-deep document, deeply nested variables and a body too large, as client errors', async () => {
    const deep = await app.post(
      JSON.stringify({ query: `{${'a{'.repeat(5000)}b${'}'.repeat(5001)}` }),
    );
    expect(deep.status).toBeLessThan(500);
    expect(limitOf((await deep.json()) as GraphQLResponse)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
    let nested: unknown = 'x';
    for (let i = 0; i < 100; i++) nested = { a: nested };
    const variables = await app.post(
      JSON.stringify({
        query: 'query($x: String) { health { status } }',
        variables: { x: nested },
      }),
    );
    expect(limitOf((await variables.json()) as GraphQLResponse)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'variablesDepth',
    });
    const huge = await app.post(
      JSON.stringify({ query: `{ health { status } } # ${'x'.repeat(600 * 1024)}` }),
    );
    expect(huge.status).toBe(413);
    expect(limitOf((await huge.json()) as GraphQLResponse)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'bodyBytes',
    });
    await stillServing();
  });

  it('reads the schema only with a token, and tells strangers no names they did not ask for', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    expect(limitOf(await app.running.gql(introspection))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INTROSPECTION_DISABLED',
    });
    expect(dataOf(await app.running.gql(introspection, {}, app.admin))).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    const typo = await app.running.gql('{ masterplan(id: "mp") { titel } }');
    expect(typo.errors![0]!.message).toBe('Cannot query field "titel" on type "Masterplan".');
  });

  it('never answers from the cache before the token is verified', async () => {
    // Expiry is counted in whole seconds from the second the token was issued in,
    // so a token for 3s is valid for at least 2s and at most 3s.
    const expiring = await app.running.token('admin', { administrator: true, ttl: '3s' });
    const query = '{ auditTrail(first: 1) { edges { node { position } } } }';
    expect((await app.running.gql(query, {}, expiring)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const again = await fetch(app.running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${expiring}` },
      body: JSON.stringify({ query }),
    });
    expect(again.status).toBe(401);
    expect(limitOf((await again.json()) as GraphQLResponse)).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('limits set low, to see them bite', () => {
  it('bounds the size of an answer', async () => {
    const app = await started({ answerBytes: 60 });
    try {
      // A mutation is checked before it runs, never after: its answer comes whole.
      expect(
        dataOf(
          await app.running.gql(
            MASTERPLAN.replace(
              '{ version }',
              '{ version masterplan { title region motion { title filedBy } } }',
            ),
            {},
            app.admin,
          ),
        ),
      ).toEqual({
        initiateMasterplan: {
          version: 0,
          masterplan: { title: 'Plan', region: 'Aachen', motion: { title: 'm', filedBy: 'f' } },
        },
      });
      expect(
        limitOf(await app.running.gql('{ masterplans { id title region motion { title } } }')),
      ).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'answerBytes', max: 60 });
      // Bytes, not characters: 20 euro signs are 60 bytes.
      dataOf(
        await app.running.gql(
          `mutation { registerActor(input: { actorId: "euro", name: "${'€'.repeat(20)}", kind: CHAMBER }) { version } }`,
          {},
          app.admin,
        ),
      );
      expect(limitOf(await app.running.gql('{ actor(id: "euro") { name } }'))).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        limit: 'answerBytes',
      });
      expect((await app.running.gql('{ health { status } }')).errors).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('limits requests per address, with Retry-After, and leaves the health checks alone', async () => {
    const app = await started({ requestsPerMinute: 3 });
    try {
      for (let i = 0; i < 3; i++)
        expect((await app.post('{"query":"{ health { status } }"}')).status).toBe(200);
      const limited = await app.post('{"query":"{ health { status } }"}');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limitOf((await limited.json()) as GraphQLResponse)).toMatchObject({
        code: 'RATE_LIMITED',
      });
      const live = await fetch(app.running.url.replace('/graphql', '/health/live'));
      expect(live.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('limits the connections one address holds open, how long one may stay silent, and how long a request may take to arrive', async () => {
    const app = await started({ connectionsPerAddress: 3, requestMs: 1_500 });
    const { port } = new URL(app.running.url);
    const opened: Socket[] = [];
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
        opened.push(socket);
      });
    const closeOf = (socket: Socket) =>
      new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
    try {
      // A connection that says nothing is closed when the headers' time is up (by Node
      // with a 408, or without a word), and does not hold its place.
      const idle = await open();
      const openedAt = Date.now();
      expect(await closeOf(idle)).toMatch(/^(|HTTP\/1\.1 408 [^]*)$/);
      expect(Date.now() - openedAt).toBeLessThan(5_000);
      // Three half-sent requests hold the three connections this address may have.
      const slow = await Promise.all([open(), open(), open()]);
      for (const socket of slow) socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n');
      const answers = slow.map(closeOf);
      // A fourth is closed at once, without an answer.
      const fourth = await open();
      expect(await closeOf(fourth)).toBe('');
      // The slow ones are answered 408 when their time is up, and closed.
      for (const answer of await Promise.all(answers)) {
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
          errors: [{ extensions: { code: 'LIMIT_EXCEEDED', limit: 'requestMs', max: 1_500 } }],
        });
      }
      // Their connections are free again.
      expect((await app.post('{"query":"{ health { status } }"}')).status).toBe(200);
    } finally {
      for (const socket of opened) socket.destroy();
      await app.close();
    }
  });

  it('limits mutations per user, and a refused one appends nothing', async () => {
    const app = await started({ mutationsPerMinute: 2 });
    try {
      const store = app.running.app.get<EventStore>(EVENT_STORE);
      const define = (id: string) =>
        app.running.gql(
          `mutation { registerActor(input: { actorId: "${id}", name: "Actor ${id}", kind: CHAMBER }) { version } }`,
          {},
          app.admin,
        );
      dataOf(await define('a1'));
      dataOf(await define('a2'));
      const head = await store.headPosition();
      expect(limitOf(await define('a3'))).toMatchObject({
        code: 'RATE_LIMITED',
        limit: 'mutationsPerMinute',
      });
      expect(await store.headPosition()).toBe(head);
      // Other users are not held back by this one.
      const other = await app.running.token('admin.two', { administrator: true });
      expect(
        (
          await app.running.gql(
            `mutation { registerActor(input: { actorId: "a4", name: "Actor a4", kind: CHAMBER }) { version } }`,
            {},
            other,
          )
        ).errors,
      ).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('makes a subscription message once for all who would get the same one, and keeps serving meanwhile', async () => {
    const app = await started();
    const clients: Array<ReturnType<typeof createClient>> = [];
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      const representative = await app.running.token('rep');
      const plan = `masterplan { id title region motion { title } resolution { body } }`;
      const anonymous = `subscription { masterplanChanged(id: "mp") { position a: ${plan} b: ${plan} c: ${plan} } }`;
      const heard: Array<{ who: string; data: unknown }> = [];
      let subscribed = 0;
      const subscribe = (who: string, query: string, token?: string) => {
        const client = createClient({
          url: app.running.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
          onNonLazyError: () => undefined,
        });
        clients.push(client);
        for (let i = 0; i < 20; i++) {
          subscribed++;
          client.subscribe(
            { query },
            {
              next: (m) => void heard.push({ who, data: m.data ?? m.errors }),
              error: () => undefined,
              complete: () => undefined,
            },
          );
        }
      };
      // Sixty anonymous subscribers of one document on three sockets, twenty more with a
      // token (another reader), and twenty of another document.
      for (const socket of ['s1', 's2', 's3']) subscribe(socket, anonymous);
      subscribe('rep', anonymous, representative);
      subscribe('other', `subscription { masterplanChanged(id: "mp") { position eventType } }`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const metrics = app.running.url.replace('/graphql', '/metrics');
      const made = async () =>
        Number(
          /masterplan_graphql_operation_duration_seconds_count\{type="subscription",field="masterplanChanged",outcome="ok"\} (\d+)/.exec(
            await (await fetch(metrics)).text(),
          )?.[1] ?? 0,
        );
      expect(await made()).toBe(0);
      dataOf(
        await app.running.gql(
          `mutation { defineThemeField(input: { masterplanId: "mp", themeFieldId: "tf", name: "Field", description: "d" }) { version } }`,
          {},
          app.admin,
        ),
      );
      const deadline = Date.now() + 10_000;
      while (heard.length < subscribed && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toHaveLength(subscribed);
      // Everyone heard the change, the same answer for the same document...
      const answers = new Set(
        heard.filter((h) => h.who !== 'other').map((h) => JSON.stringify(h.data)),
      );
      expect(answers.size).toBe(1);
      expect([...answers][0]).toContain('"title":"Plan"');
      // ... made three times: once for the anonymous readers, once for the representative,
      // once for the other document.
      expect(await made()).toBe(3);
      expect((await fetch(app.running.url.replace('/graphql', '/health/live'))).status).toBe(200);
    } finally {
      for (const client of clients) await client.dispose();
      await app.close();
    }
  });

  it('makes messages that cannot be shared one at a time, answering others in between', async () => {
    const app = await started();
    const clients: Array<ReturnType<typeof createClient>> = [];
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      const plan = `masterplan { id title region motion { title } resolution { body } }`;
      const events: string[] = [];
      let subscribed = 0;
      for (let socket = 0; socket < 5; socket++) {
        const client = createClient({
          url: app.running.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
        });
        clients.push(client);
        for (let i = 0; i < 20; i++) {
          // Aliases of its own: no two subscribers' messages are the same document.
          const own = `s${socket}x${i}`;
          subscribed++;
          client.subscribe(
            {
              query: `subscription { masterplanChanged(id: "mp") { position ${own}a: ${plan} ${own}b: ${plan} ${own}c: ${plan} } }`,
            },
            {
              next: () => void events.push('message'),
              error: () => undefined,
              complete: () => undefined,
            },
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const change = app.running.gql(
        `mutation { defineThemeField(input: { masterplanId: "mp", themeFieldId: "tf", name: "Field", description: "d" }) { version } }`,
        {},
        app.admin,
      );
      dataOf(await change);
      // A hundred messages. The server is asked how many it has made as soon as the first is
      // heard: it answers while the others are still being made (made all in one go, they
      // would all be made before it could answer anyone).
      const deadline = Date.now() + 10_000;
      while (!events.includes('message') && Date.now() < deadline)
        await new Promise((resolve) => setImmediate(resolve));
      const metrics = await (await fetch(app.running.url.replace('/graphql', '/metrics'))).text();
      const made = Number(
        /masterplan_graphql_operation_duration_seconds_count\{type="subscription",field="masterplanChanged",outcome="ok"\} (\d+)/.exec(
          metrics,
        )?.[1] ?? 0,
      );
      expect(made).toBeLessThan(subscribed);
      while (events.filter((e) => e === 'message').length < subscribed && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(events.filter((e) => e === 'message')).toHaveLength(subscribed);
    } finally {
      for (const client of clients) await client.dispose();
      await app.close();
    }
  });

  it('limits WebSocket connections per address and subscriptions per connection, and says why a token is refused', async () => {
    const app = await started({ socketsPerAddress: 2, subscriptionsPerSocket: 2 });
    const clients: Array<ReturnType<typeof createClient>> = [];
    const connect = (token?: string) => {
      const closed: Array<{ code: number; reason: string }> = [];
      const client = createClient({
        url: app.running.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        ...(token !== undefined ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
        on: { closed: (event) => closed.push(event as { code: number; reason: string }) },
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      return { client, closed };
    };
    const outcome = (client: ReturnType<typeof createClient>, query: string) =>
      new Promise<unknown>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (m) => m.errors && resolve(m.errors),
            error: resolve,
            complete: () => resolve('complete'),
          },
        );
        setTimeout(() => resolve('open'), 500);
      });
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      const first = connect();
      connect();
      const follow = `subscription { masterplanChanged(id: "mp") { position } }`;
      expect(await outcome(first.client, follow)).toBe('open');
      expect(await outcome(first.client, follow)).toBe('open');
      expect(await outcome(first.client, follow)).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: 'LIMIT_EXCEEDED',
            limit: 'subscriptionsPerSocket',
          }),
        }),
      ]);
      // A third connection from this address is refused at the upgrade.
      const third = connect();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(third.closed.length).toBe(1);
      // A bad token at connection_init closes with 4401 and the reason.
      for (const client of clients.splice(0)) await client.dispose();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = connect('not-a-token');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(refused.closed[0]).toMatchObject({ code: 4401 });
      expect(refused.closed[0]!.reason).toContain('token');
    } finally {
      for (const client of clients) await client.dispose();
      await app.close();
    }
  });
});

describe('limits while a query runs, and on WebSockets', () => {
  const STAGE = `mutation { defineThemeField(input: { masterplanId: "mp", themeFieldId: "tf", name: "Field", description: "d" }) { version } }`;
  const defineMeasure = (id: string, description = 'd') =>
    `mutation { defineMeasure(input: { measureId: "${id}", masterplanId: "mp", themeFieldId: "tf", title: "${id}", description: "${description}", kind: STANDARD }) { version } }`;

  it('stops a query whose lists turn out longer than its estimate allowed, and one that reads too much text', async () => {
    // The estimate counts 10 per list: 1 + 10 fits under 15; 20 measures do not.
    const app = await started({ cost: 15, answerBytes: 2_000 });
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      dataOf(await app.running.gql(STAGE, {}, app.admin));
      for (let i = 0; i < 20; i++)
        dataOf(await app.running.gql(defineMeasure(`m${i}`), {}, app.admin));
      const query = '{ masterplan(id: "mp") { measures { id } } }';
      const stopped = await app.running.gql(query);
      expect(limitOf(stopped)).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'cost', max: 15 });
      // The request as a whole is stopped: one error, naming no field.
      expect(stopped.errors).toHaveLength(1);
      expect(stopped.errors![0]).not.toHaveProperty('path');
      const fewer = '{ masterplan(id: "mp") { themeFields { id } } }';
      expect(dataOf(await app.running.gql(fewer))).toEqual({
        masterplan: { themeFields: [{ id: 'tf' }] },
      });
      // A few long descriptions: the answer (ids) stays small, what is read does not.
      for (let i = 0; i < 3; i++)
        dataOf(await app.running.gql(defineMeasure(`long${i}`, 'x'.repeat(3_000)), {}, app.admin));
      const ids =
        '{ measure(id: "long0") { id } measures2: measure(id: "long1") { id } m3: measure(id: "long2") { id } }';
      expect(limitOf(await app.running.gql(ids))).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        limit: 'textReadBytes',
        max: 8_000,
      });
      expect(dataOf(await app.running.gql('{ measure(id: "long0") { id } }'))).toEqual({
        measure: { id: 'long0' },
      });
    } finally {
      await app.close();
    }
  });

  it('refuses a document with too many fields', async () => {
    const app = await started({ fields: 5 });
    try {
      expect(
        limitOf(await app.running.gql('{ health { status problems engine state detail } }')),
      ).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'fields', max: 5 });
      expect((await app.running.gql('{ health { status problems } }')).errors).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('counts each aliased mutation of one operation against the user’s rate, and appends nothing when over', async () => {
    const app = await started({ mutationsPerMinute: 3 });
    try {
      const store = app.running.app.get<EventStore>(EVENT_STORE);
      const register = (id: string) =>
        `${id}: registerActor(input: { actorId: "${id}", name: "Actor ${id}", kind: CHAMBER }) { version }`;
      const head = await store.headPosition();
      expect(
        limitOf(
          await app.running.gql(
            `mutation { ${['a1', 'a2', 'a3', 'a4'].map(register).join(' ')} }`,
            {},
            app.admin,
          ),
        ),
      ).toMatchObject({ code: 'RATE_LIMITED', limit: 'mutationsPerMinute', max: 3 });
      expect(await store.headPosition()).toBe(head);
      // In fragments, named or inline, each counts as well.
      const inFragments = `mutation { ...Two ... on Mutation { ${register('f3')} ${register('f4')} } }
        fragment Two on Mutation { ${register('f1')} ${register('f2')} }`;
      expect(limitOf(await app.running.gql(inFragments, {}, app.admin))).toMatchObject({
        code: 'RATE_LIMITED',
      });
      expect(await store.headPosition()).toBe(head);
      dataOf(
        await app.running.gql(
          `mutation { ...Two } fragment Two on Mutation { ${['a1', 'a2'].map(register).join(' ')} }`,
          {},
          app.admin,
        ),
      );
      // Refused for its rate over HTTP: status 429, with when to try again.
      const refused = await fetch(app.running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${app.admin}` },
        body: JSON.stringify({ query: `mutation { ${register('a3')} ${register('a4')} }` }),
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limitOf((await refused.json()) as GraphQLResponse)).toMatchObject({
        code: 'RATE_LIMITED',
      });
      expect(await store.headPosition()).not.toBe(head);
    } finally {
      await app.close();
    }
  });

  it('counts WebSocket operations with requests against the address’s rate, refusing only the operation', async () => {
    const app = await started({ requestsPerMinute: 3 });
    const sockets: Following[] = [];
    try {
      // One count per address: a request over HTTP and operations on WebSockets alike.
      expect((await app.post('{"query":"{ health { status } }"}')).status).toBe(200);
      for (let i = 0; i < 3; i++) sockets.push(follow(app.running.wsUrl, '{ health { status } }'));
      await Promise.all(sockets.map((s) => s.until(() => s.completed || s.errors.length > 0)));
      const refused = sockets.filter((s) => s.errors.length > 0);
      expect(refused.length).toBe(1);
      expect(refused[0]!.errors[0]![0]!.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        limit: 'requestsPerMinute',
        retryAfterSeconds: expect.any(Number),
      });
      expect(sockets.filter((s) => s.received.length === 1).length).toBe(2);
      expect(sockets.every((s) => s.closed.length === 0)).toBe(true);
    } finally {
      for (const socket of sockets) await socket.dispose();
      await app.close();
    }
  });

  it('holds each message of a subscription to the budget of a query', async () => {
    // 1 + 1 + 10 per list fits the estimate of 15; a masterplan of 20 measures does not.
    const app = await started({ cost: 15 });
    const sockets: Following[] = [];
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      dataOf(await app.running.gql(STAGE, {}, app.admin));
      const whole = follow(
        app.running.wsUrl,
        'subscription { masterplanChanged(id: "mp") { masterplan { measures { id } } } }',
      );
      const small = follow(
        app.running.wsUrl,
        'subscription { masterplanChanged(id: "mp") { masterplan { id } } }',
      );
      sockets.push(whole, small);
      await Promise.all(sockets.map((socket) => socket.started));
      for (let i = 0; i < 20; i++)
        dataOf(await app.running.gql(defineMeasure(`m${i}`), {}, app.admin));
      await small.until(() => small.received.length === 20);
      await whole.until(() => whole.received.length + whole.errors.length === 20);
      // A masterplan and up to 14 measures fit in 15 objects; with more, a message does not.
      expect(whole.received.length).toBe(14);
      expect(whole.errors[0]).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'LIMIT_EXCEEDED', limit: 'cost', max: 15 }),
        }),
      ]);
      expect(whole.closed).toEqual([]);
    } finally {
      for (const socket of sockets) await socket.dispose();
      await app.close();
    }
  });

  it('bounds what a subscription sends, and ends it when the token expires', async () => {
    const app = await started({ answerBytes: 150 });
    const sockets: Following[] = [];
    try {
      dataOf(await app.running.gql(MASTERPLAN, {}, app.admin));
      const big = follow(
        app.running.wsUrl,
        `subscription { masterplanChanged(id: "mp") { summary masterplan { title region motion { title filedBy } resolution { body } themeFields { id name description } } } }`,
      );
      const expiring = await app.running.token('short.lived', { administrator: true, ttl: '3s' });
      const audit = follow(
        app.running.wsUrl,
        'subscription { auditEvents { position } }',
        expiring,
      );
      const plain = follow(
        app.running.wsUrl,
        'subscription { masterplanChanged(id: "mp") { position } }',
      );
      sockets.push(big, audit, plain);
      await Promise.all(sockets.map((s) => s.started));
      dataOf(await app.running.gql(STAGE, {}, app.admin));
      await big.until(() => big.errors.length > 0);
      expect(big.errors[0]![0]!.extensions).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        limit: 'answerBytes',
      });
      await plain.until(() => plain.received.length === 1);
      expect(audit.received.length).toBe(1);
      await audit.until(() => audit.errors.length > 0, 5000);
      expect(audit.errors[0]![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(audit.errors[0]![0]!.message).toMatch(/expired/);
      // Only that operation ended: the connection stays open.
      expect(audit.closed).toEqual([]);
    } finally {
      for (const socket of sockets) await socket.dispose();
      await app.close();
    }
  });
});
