import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The memory test measures what is kept, after a collection.
setFlagsFromString('--expose-gc');
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { dataOf, startApp, type GraphQLResponse, type RunningApp } from './support/app.js';

/**
 * What a hostile client sends, case by case over HTTP: each answered with its error code
 * (never a server fault), nothing stored, and the server healthy afterwards with its
 * memory bounded.
 */
interface Case {
  name: string;
  /** The raw body, or a query (with variables) sent as JSON. */
  body?: string;
  query?: string;
  variables?: Record<string, unknown>;
  contentType?: string;
  method?: string;
  admin?: boolean;
  status?: number;
  code: string;
}

const nest = (depth: number, inner: unknown): unknown =>
  depth === 0 ? inner : { a: nest(depth - 1, inner) };

const CASES: Case[] = [
  {
    name: 'a depth bomb (15 pairs of measures/masterplan)',
    query: `{ masterplan(id: "mp") { ${'measures { masterplan { '.repeat(15)} id ${'} } '.repeat(15)} } }`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a 12-level actor/commitments chain',
    query: `{ actor(id: "A") { ${'commitments { actor { '.repeat(12)} id ${'} } '.repeat(12)} } }`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'an alias bomb (10,000 aliases)',
    query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: masterplans { id }`).join(' ')} }`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a fragment bomb (each fragment doubling the one before)',
    query: `{ ...F0 } ${Array.from({ length: 10 }, (_, i) => `fragment F${i} on Query { masterplans { ${i < 9 ? `...F${i + 1} ...F${i + 1}` : 'id'} } }`).join(' ')}`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a fragment cycle',
    query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: '1,000 directives',
    query: `{ masterplans ${'@skip(if: false) '.repeat(1000)} { id } }`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a 1 MB document',
    body: JSON.stringify({ query: `{ ${'masterplans { id } '.repeat(55_000)} }` }),
    status: 413,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: '1 MB of variables',
    query: 'query($x: String) { masterplans { id } }',
    variables: { x: 'x'.repeat(1024 * 1024) },
    status: 413,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a 400 KB date in a variable (quoted back in GraphQL’s own message)',
    query: 'query($t: DateTime) { masterplan(id: "mp", asOf: $t) { title } }',
    variables: { t: '9'.repeat(400_000) },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a 400 KB enum value in a mutation’s variable',
    query:
      'mutation($k: ActorKind!) { registerActor(input: { actorId: "e", name: "E", kind: $k }) { version } }',
    variables: { k: 'K'.repeat(400_000) },
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a 100 KB query in the URL',
    method: 'GET',
    query: `{ ${'masterplans { id } '.repeat(5_000)} }`,
    status: 431,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a body with a __proto__ key',
    body: '{"query":"{ health { status } }","variables":{"__proto__":{"admin":true}}}',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a batch (a JSON array)',
    body: '[{"query":"{ masterplans { id } }"}]',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a 5,000-deep document',
    query: `{${'a{'.repeat(5000)}b${'}'.repeat(5001)}`,
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a 1,000-deep variable',
    query: 'query($x: String) { masterplans { id } }',
    variables: { x: nest(1000, 'x') },
    code: 'LIMIT_EXCEEDED',
  },
  {
    name: 'a garbage cursor',
    query: '{ commitments(after: "%%%") { edges { cursor } } }',
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a garbage id in a query',
    query: '{ measure(id: "\\u0000../../evil\\u202e") { id } }',
    code: 'NOT_FOUND',
  },
  {
    name: 'an id of 100,000 characters in a query',
    query: `{ measure(id: "${'x'.repeat(100_000)}") { id } }`,
    code: 'NOT_FOUND',
  },
  {
    name: 'an expected version below -1',
    query:
      'mutation { registerActor(input: { actorId: "v", name: "V", kind: CHAMBER, expectedVersion: -5 }) { version } }',
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an id with a NUL, a path and a right-to-left mark',
    query:
      'mutation { registerActor(input: { actorId: "../evil\\u0000\\u202e", name: "Evil", kind: CHAMBER }) { version } }',
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an id of 200,000 characters',
    query: `mutation { registerActor(input: { actorId: "${'x'.repeat(200_000)}", name: "Long", kind: CHAMBER }) { version } }`,
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an idempotency key of 100,000 characters',
    query: `mutation { registerActor(input: { actorId: "key", name: "Key", kind: CHAMBER, idempotencyKey: "${'k'.repeat(100_000)}" }) { version } }`,
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'half a surrogate pair in a text (sent as a variable: the parser refuses it in a literal)',
    query:
      'mutation($n: String!) { registerActor(input: { actorId: "half", name: $n, kind: CHAMBER }) { version } }',
    variables: { n: 'A\ud800B' },
    admin: true,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'the schema read anonymously',
    query: '{ __schema { types { name } } }',
    code: 'FORBIDDEN',
  },
  {
    name: 'a mutation over GET',
    method: 'GET',
    query:
      'mutation { registerActor(input: { actorId: "g", name: "G", kind: CHAMBER }) { version } }',
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a text/plain post (what a form on another site can send)',
    body: '{"query":"mutation { registerActor(input: { actorId: \\"f\\", name: \\"F\\", kind: CHAMBER }) { version } }"}',
    contentType: 'text/plain',
    status: 415,
    code: 'BAD_REQUEST',
  },
];

describe('hostile input', () => {
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  let admin: string;
  let heapBefore: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-hostile-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    admin = await running.token('fb02.admin', { administrator: true });
    dataOf(
      await running.gql(
        `mutation { registerActor(input: { actorId: "A", name: "Actor A", kind: CHAMBER }) { version }
           initiateMasterplan(input: { masterplanId: "mp", title: "Plan", region: "Aachen",
             motion: { reference: "m", title: "m", filedBy: "f", filedOn: "2012-11-20" },
             resolution: { reference: "r", body: "b", decidedOn: "2013-03-12" } }) { version } }`,
        {},
        admin,
      ),
    );
    heapBefore = process.memoryUsage().heapUsed;
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const head = await store.headPosition();
    const body = c.body ?? JSON.stringify({ query: c.query, variables: c.variables });
    const response =
      c.method === 'GET'
        ? await fetch(`${running.url}?query=${encodeURIComponent(c.query!)}`)
        : await fetch(running.url, {
            method: 'POST',
            headers: {
              'content-type': c.contentType ?? 'application/json',
              ...(c.admin ? { authorization: `Bearer ${admin}` } : {}),
            },
            body,
          });
    expect(response.status).toBeLessThan(500);
    if (c.status) expect(response.status).toBe(c.status);
    const answer = (await response.json()) as GraphQLResponse;
    expect(answer.errors?.map((e) => e.extensions?.code)).toContain(c.code);
    expect(answer.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
    // What was sent is not echoed back whole.
    expect(JSON.stringify(answer).length).toBeLessThan(2_000);
    expect(await store.headPosition()).toBe(head);
    expect(dataOf(await running.gql('{ health { status } }'))).toEqual({
      health: { status: 'ok' },
    });
  });

  it('stores text as sent: control characters, markup and SQL-looking words', async () => {
    const name =
      "Evil \u0000\u0007\u001b[31m\u202e <script>alert(1)</script> '; DROP TABLE events; --";
    dataOf(
      await running.gql(
        'mutation($n: String!) { registerActor(input: { actorId: "verbatim", name: $n, kind: CHAMBER }) { version } }',
        { n: name },
        admin,
      ),
    );
    expect(dataOf(await running.gql('{ actor(id: "verbatim") { name } }'))).toEqual({
      actor: { name },
    });
    // SQL-looking filters are values, not SQL.
    expect(
      dataOf(
        await running.gql(
          `{ auditTrail(filter: { userId: "' OR 1=1 --" }) { edges { cursor } } }`,
          {},
          admin,
        ),
      ),
    ).toEqual({ auditTrail: { edges: [] } });
    // A filter longer than any id is refused, not searched for; a type named many times
    // counts once.
    const long = await running.gql(
      `{ auditTrail(filter: { userId: "${'u'.repeat(300_000)}" }) { edges { cursor } } }`,
      {},
      admin,
    );
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(long.errors?.[0]?.message).toBe('userId must be 1 to 200 characters');
    expect(
      dataOf(
        await running.gql(
          `{ auditTrail(filter: { eventTypes: [${Array(3_000).fill('ActorRegistered').join(', ')}] }) { edges { node { eventType } } } }`,
          {},
          admin,
        ),
      ),
    ).toEqual({
      auditTrail: {
        edges: [
          { node: { eventType: 'ActorRegistered' } },
          { node: { eventType: 'ActorRegistered' } },
        ],
      },
    });
  });

  it('holds a flood of distinct documents to the caches’ bytes, the documents themselves counted', async () => {
    // Each document is light to parse but heavy to keep: its text is the caches' key.
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300; i++) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ health { status } } #${i} ${'x'.repeat(400_000)}` }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    gc();
    // 120 MB were sent; the document and answer caches keep at most 32 MiB each.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(90 * 1024 * 1024);
  });

  it('keeps its memory bounded through all of it', () => {
    // The bombs users found held gigabytes; refused before running, they hold nothing.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  });
});
