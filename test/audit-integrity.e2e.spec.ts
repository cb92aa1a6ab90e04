import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SqliteEventStore } from '@ml/event-store';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { ensureBuilt, exitOf, startServer, type ServerProcess } from './support/server-process.js';

/**
 * What users found, each over real HTTP (and WebSocket) against the server as users run it
 * (the built main.js in its own process, seeded with the Aachen demo by the CLI), with real
 * tokens: one mistake froze the audit, histories left out withdrawals, a past view
 * contradicted its labels, client mistakes were answered as server faults, and a reused
 * idempotency key silently answered for another intention.
 */
const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/** Answers are read by path here, and each read is checked by an expectation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Answer {
  status: number;
  body: {
    data?: Record<string, Json> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

function client(server: ServerProcess) {
  const post = async (body: unknown, token?: string): Promise<Answer> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const gql = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
    post({ query, variables }, token);
  /** The data of an answer that must have succeeded. */
  const ok = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const answer = await gql(query, variables, token);
    if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
    return answer.body.data!;
  };
  /** The one error of an answer that must have failed. */
  const refused = async (
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ) => {
    const answer = await gql(query, variables, token);
    expect(answer.body.errors).toHaveLength(1);
    return answer.body.errors![0]!;
  };
  return { post, gql, ok, refused };
}

const subscribe = (url: string, token: string | undefined, query: string) => {
  const socket: Client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
  });
  const received: Array<Record<string, Json>> = [];
  const errors: unknown[] = [];
  socket.subscribe(
    { query },
    {
      // A refusal arrives as a result with errors (then the end), as the protocol has it.
      next: (message) =>
        message.errors ? errors.push(message.errors) : received.push(message.data!),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors, close: () => socket.dispose() };
};

const until = async (condition: () => boolean, what: string) => {
  for (let waited = 0; !condition(); waited += 25) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the audit never stops and never leaves anything out', () => {
  let dir: string;
  let server: ServerProcess;
  let api: ReturnType<typeof client>;
  let admin: string;
  let ihk: string;
  let dgb: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ml-integrity-'));
    execFileSync(process.execPath, [cli, 'seed-demo'], {
      env: { ...process.env, DATA_DIR: dir },
      stdio: 'ignore',
    });
    server = await startServer({ DATA_DIR: dir });
    api = client(server);
    const key = await loadOrCreateSigningKey(dir);
    admin = await issueToken(key, { userId: 'fb02.wolf', roles: ['administrator'] });
    ihk = await issueToken(key, { userId: 'ihk.schmidt', roles: [] });
    dgb = await issueToken(key, { userId: 'dgb.weber', roles: [] });
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) await exitOf(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  const DECLARE = `mutation($i: DeclareCommitmentInput!) { declareCommitment(input: $i) { commitment { id measure { id } } version position repeated } }`;

  it('a commitment id already used on another measure is refused, appends nothing, and the audit goes on', async () => {
    const head = (await api.ok('{ projectionStatus { name head } }')).projectionStatus[0].head;
    const error = await api.refused(
      DECLARE,
      {
        i: {
          commitmentId: 'c-01',
          actorId: 'ihk',
          masterplanId: 'aachen-2020',
          measureId: 'm-02',
          statement: 'Again',
        },
      },
      ihk,
    );
    expect(error.extensions).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'COMMITMENT_EXISTS' });
    expect(error.message).toContain("'c-01'");
    const status = (await api.ok('{ projectionStatus { name state head lagEvents } }'))
      .projectionStatus;
    for (const readModel of status.filter((s: Record<string, Json>) => s.name !== 'reactions'))
      expect(readModel).toMatchObject({ state: 'RUNNING', head, lagEvents: 0 });
    // Everyone else's mutations go on, and the server is ready.
    const declared = await api.ok(
      DECLARE,
      { i: { actorId: 'dgb', masterplanId: 'aachen-2020', measureId: 'm-02', statement: 'Yes' } },
      dgb,
    );
    expect(declared.declareCommitment.repeated).toBe(false);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });

  it('one user sending one idempotency key to two measures, or with other input, is refused', async () => {
    const key = `key-${randomUUID()}`;
    const first = await api.ok(
      DECLARE,
      {
        i: {
          actorId: 'ihk',
          masterplanId: 'aachen-2020',
          measureId: 'm-03',
          statement: 'A',
          idempotencyKey: key,
        },
      },
      ihk,
    );
    // The same request again is the same outcome.
    const again = await api.ok(
      DECLARE,
      {
        i: {
          actorId: 'ihk',
          masterplanId: 'aachen-2020',
          measureId: 'm-03',
          statement: 'A',
          idempotencyKey: key,
        },
      },
      ihk,
    );
    expect(again.declareCommitment).toEqual({ ...first.declareCommitment, repeated: true });
    for (const other of [
      { measureId: 'm-04', statement: 'A' },
      { measureId: 'm-03', statement: 'B' },
    ]) {
      const error = await api.refused(
        DECLARE,
        { i: { actorId: 'ihk', masterplanId: 'aachen-2020', ...other, idempotencyKey: key } },
        ihk,
      );
      expect(error.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    // Another command with the same key.
    const error = await api.refused(
      `mutation($i: WithdrawCommitmentInput!) { withdrawCommitment(input: $i) { version } }`,
      {
        i: {
          commitmentId: first.declareCommitment.commitment.id,
          reason: 'x',
          idempotencyKey: key,
        },
      },
      ihk,
    );
    expect(error.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('withdrawals and fulfilments are in every history, filter and live feed of their measure and masterplan', async () => {
    await api.ok(
      `mutation { defineMeasure(input: { measureId: "m-live", masterplanId: "aachen-2020", themeFieldId: "fachkraefte", title: "Live", description: "d", kind: STANDARD }) { version } }`,
      {},
      admin,
    );
    const declare = (id: string) =>
      api.ok(
        DECLARE,
        {
          i: {
            commitmentId: id,
            actorId: 'ihk',
            masterplanId: 'aachen-2020',
            measureId: 'm-live',
            statement: 'S',
          },
        },
        ihk,
      );
    await declare('c-live-1');
    const changes = subscribe(
      server.url,
      undefined,
      `subscription { masterplanChanged(id: "aachen-2020") { eventType position } }`,
    );
    const audit = subscribe(
      server.url,
      admin,
      `subscription { auditEvents(filter: { masterplanId: "aachen-2020" }) { eventType position } }`,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const withdrawn = await api.ok(
        `mutation { withdrawCommitment(input: { commitmentId: "c-live-1", reason: "budget" }) { position } }`,
        {},
        ihk,
      );
      await declare('c-live-2');
      const fulfilled = await api.ok(
        `mutation { fulfilCommitment(input: { commitmentId: "c-live-2", note: "done" }) { position } }`,
        {},
        admin,
      );
      const positions = [
        withdrawn.withdrawCommitment.position,
        fulfilled.fulfilCommitment.position,
      ];

      await until(
        () => changes.received.some((c) => c.masterplanChanged.eventType === 'CommitmentFulfilled'),
        'masterplanChanged to tell of the fulfilment',
      );
      await until(
        () => audit.received.some((c) => c.auditEvents.eventType === 'CommitmentFulfilled'),
        'auditEvents to tell of the fulfilment',
      );
      expect(changes.errors).toEqual([]);
      for (const feed of [
        changes.received.map((c) => c.masterplanChanged),
        audit.received.map((c) => c.auditEvents),
      ]) {
        expect(feed).toEqual(
          expect.arrayContaining([
            { eventType: 'CommitmentWithdrawn', position: positions[0] },
            { eventType: 'CommitmentFulfilled', position: positions[1] },
          ]),
        );
      }

      const PAGE = `(first: 500, order: NEWEST_FIRST) { edges { node { position eventType summary } } }`;
      const found = await api.ok(
        `{ measure(id: "m-live") { history${PAGE} }
           masterplan(id: "aachen-2020") { history${PAGE} }
           byMasterplan: auditTrail(filter: { masterplanId: "aachen-2020" }, first: 500, order: NEWEST_FIRST) { edges { node { position eventType summary } } }
           byMeasure: auditTrail(filter: { entityType: MEASURE, entityId: "m-live" }, first: 500, order: NEWEST_FIRST) { edges { node { position eventType summary } } } }`,
        {},
        admin,
      );
      for (const list of [
        found.measure.history,
        found.masterplan.history,
        found.byMasterplan,
        found.byMeasure,
      ]) {
        const entries = list.edges.map((e: { node: unknown }) => e.node);
        expect(entries).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ eventType: 'CommitmentWithdrawn', position: positions[0] }),
            expect.objectContaining({ eventType: 'CommitmentFulfilled', position: positions[1] }),
          ]),
        );
      }
      const summaries = found.measure.history.edges.map(
        (e: { node: { summary: string } }) => e.node.summary,
      );
      expect(summaries).toContain(
        "IHK Aachen (via user ihk.schmidt) withdrew its commitment c-live-1 to measure 'Live': budget",
      );
    } finally {
      await changes.close();
      await audit.close();
    }
  });

  it("a past view's asOfPosition, versions and content are one moment, which asOfPosition reproduces", async () => {
    const MEASURE = `{ asOfPosition version status commitments { id status } assignments { role actor { id } } }`;
    const history = await api.ok(
      `{ measure(id: "m-20") { history(first: 500) { edges { node { occurredAt } } } } }`,
      {},
      admin,
    );
    const times: string[] = history.measure.history.edges.map(
      (e: { node: { occurredAt: string } }) => e.node.occurredAt,
    );
    expect(times.length).toBeGreaterThan(3);
    for (const time of times.flatMap((t) => [t, new Date(Date.parse(t) - 1).toISOString()])) {
      const byTime = await api.gql(
        `query($t: DateTime) { measure(id: "m-20", asOf: $t) ${MEASURE} }`,
        { t: time },
      );
      if (byTime.body.errors) {
        // Before the measure existed: said so, as NOT_FOUND.
        expect(byTime.body.errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
        continue;
      }
      const view = byTime.body.data!.measure;
      expect(view.asOfPosition).toMatch(/^\d{16}$/);
      const byPosition = await api.ok(
        `query($p: String) { measure(id: "m-20", asOfPosition: $p) ${MEASURE} }`,
        { p: view.asOfPosition },
      );
      expect(byPosition.measure).toEqual(view);
    }
  });

  it('client mistakes are answered as client errors, and none is logged as a server fault', async () => {
    const logged = server.logLines().length;
    const written = server.output().length;
    const get = await fetch(`${server.url}/graphql`);
    expect(get.status).toBe(400);
    expect(await get.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    for (const body of [
      '{"query": 1}',
      '[1, 2]',
      '{"query": "{ health { status } }", "variables": 3}',
      'not json',
    ]) {
      const answer = await api.post(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST' });
    }
    const codeOf = async (query: string, variables: Record<string, unknown> = {}) =>
      (await api.gql(query, variables, admin)).body.errors?.[0]?.extensions?.code;
    for (const asOf of ['"yesterday"', '"2013-13-45T00:00:00Z"', '12345', '"2013-02-30T10:00:00Z"'])
      expect({
        asOf,
        code: await codeOf(`{ masterplan(id: "aachen-2020", asOf: ${asOf}) { title } }`),
      }).toEqual({
        asOf,
        code: 'BAD_USER_INPUT',
      });
    for (const t of [12345, 'yesterday', '2013-06-01'])
      expect({
        t,
        code: await codeOf(
          `query($t: DateTime) { masterplan(id: "aachen-2020", asOf: $t) { title } }`,
          { t },
        ),
      }).toEqual({
        t,
        code: 'BAD_USER_INPUT',
      });
    expect(
      await codeOf(
        `{ masterplan(id: "aachen-2020", asOf: "2013-06-01T00:00:00Z", asOfPosition: "0000000000000010") { title } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(`{ masterplan(id: "aachen-2020", asOfPosition: "9999999999999999") { title } }`),
    ).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ masterplan(id: "aachen-2020", asOfPosition: "42") { title } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(await codeOf(`{ commitments(after: "garbage") { edges { cursor } } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(await codeOf(`{ auditTrail(after: "garbage") { edges { cursor } } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      await codeOf(
        `{ auditTrail(filter: { eventTypes: [CommitmentWithdrawnX] }) { edges { cursor } } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        `query($t: [EventType!]) { auditTrail(filter: { eventTypes: $t }) { edges { cursor } } }`,
        { t: ['CommitmentWithdrawnX'] },
      ),
    ).toBe('BAD_USER_INPUT');
    // An explicit null for an argument that has a default, a variable the document lacks,
    // an input field left out, positions and cursors of another shape.
    expect(
      await codeOf(`query($n: Int) { auditTrail(first: $n) { edges { cursor } } }`, { n: null }),
    ).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ measure(id: $x) { title } }`)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await codeOf(`mutation { registerActor(input: {}) { version } }`)).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      await codeOf(`{ measure(id: "m-08", asOfPosition: "000000000000044/") { title } }`),
    ).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ commitments(after: "MDAw") { edges { cursor } } }`)).toBe(
      'BAD_USER_INPUT',
    );
    // Empty ids and keys are refused, in commands and in filters alike.
    expect(
      await codeOf(
        `mutation { registerActor(input: { actorId: "", name: "Nobody", kind: CHAMBER }) { version } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        `mutation { registerActor(input: { actorId: "x-1", name: "X", kind: CHAMBER, idempotencyKey: " " }) { version } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        `{ auditTrail(filter: { entityType: COMMITMENT, entityId: "" }) { edges { cursor } } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        `mutation { scheduleMilestone(input: { masterplanId: "aachen-2020", title: "t", dueDate: "2020-02-30" }) { version } }`,
      ),
    ).toBe('BAD_USER_INPUT');
    // A masterplan that never existed is not said to have been missing "yet".
    const never = await api.refused(
      `{ masterplan(id: "nope", asOf: "2014-01-01T00:00:00Z") { title } }`,
    );
    expect(never).toMatchObject({
      message: "There is no masterplan 'nope'",
      extensions: { code: 'NOT_FOUND' },
    });
    // Refusals graphql-http makes by itself carry a code too.
    for (const [init, status] of [
      [{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }, 405],
      [{ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/html' },
          body: '{"query":"{ health { status } }"}',
        },
        406,
      ],
    ] as const) {
      const response = await fetch(`${server.url}/graphql`, init);
      expect({ method: init.method, status: response.status }).toEqual({
        method: init.method,
        status,
      });
      expect(await response.json()).toMatchObject({
        errors: [{ extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    const mutationOverGet = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('mutation { registerActor(input: { actorId: "g", name: "G", kind: CHAMBER }) { version } }')}`,
    );
    expect(mutationOverGet.status).toBe(405);
    expect(await mutationOverGet.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_REQUEST' } }],
    });
    // Over WebSocket: a document that does not parse is refused for that operation alone,
    // and filters are checked as for queries.
    const socket = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${admin}` },
    });
    try {
      const outcome = (query: string) =>
        new Promise<unknown>((resolve) =>
          socket.subscribe(
            { query },
            { next: (m) => resolve(m.errors), error: resolve, complete: () => undefined },
          ),
        );
      const alive = outcome(`subscription { masterplanChanged(id: "aachen-2020") { position } }`);
      expect(
        await outcome(`subscription { masterplanChanged(id: "aachen-2020") { position `),
      ).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
      for (const [filter, code] of [
        ['{ entityId: "m-08" }', 'BAD_USER_INPUT'],
        ['{ masterplanId: "nope" }', 'NOT_FOUND'],
      ])
        expect(
          await outcome(`subscription { auditEvents(filter: ${filter}) { position } }`),
        ).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code }) })]);
      // The first subscription on the socket still hears of changes.
      await api.ok(
        `mutation { scheduleMilestone(input: { masterplanId: "aachen-2020", title: "Still here", dueDate: "2015-01-01" }) { version } }`,
        {},
        admin,
      );
      expect(await alive).toBeUndefined();
    } finally {
      await socket.dispose();
    }
    // A masterplan that does not exist cannot be followed: said at once, not waited on forever.
    const follow = subscribe(
      server.url,
      undefined,
      `subscription { masterplanChanged(id: "nope") { eventType } }`,
    );
    try {
      await until(() => follow.errors.length > 0, 'the subscription to be refused');
      expect(follow.errors[0]).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
      ]);
    } finally {
      await follow.close();
    }
    const lines = server.logLines().slice(logged);
    // Each was logged as what the client was told (its code), at info.
    const refused = lines.filter((line) => (line.status as number) >= 400);
    expect(refused.length).toBeGreaterThanOrEqual(8);
    expect(refused.map((line) => [line.level, line.outcome])).toEqual(
      refused.map(() => ['info', 'BAD_REQUEST']),
    );
    expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    expect(server.output().slice(written)).not.toMatch(/Error:|\\n\s+at |\n\s+at /);
  });
});

describe('an event the read models cannot apply', () => {
  it('stops them visibly, keeps the server live but not ready, is logged once, and neither shutdown nor a rebuild suffers', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ml-stopped-'));
    const server = await startServer({ DATA_DIR: dir });
    let badPosition = '';
    try {
      const api = client(server);
      const key = await loadOrCreateSigningKey(dir);
      const admin = await issueToken(key, { userId: 'admin', roles: ['administrator'] });
      await api.ok(
        `mutation { initiateMasterplan(input: { masterplanId: "mp", title: "t", region: "r", motion: { reference: "m", title: "m", filedBy: "f", filedOn: "2012-11-20" }, resolution: { reference: "r", body: "b", decidedOn: "2013-03-12" } }) { version }
           defineThemeField(input: { masterplanId: "mp", themeFieldId: "tf", name: "n", description: "d" }) { version } }`,
        {},
        admin,
      );
      // Past the write side: straight into the store, as another program could.
      const store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
      const bad = await store.appendToStream('masterplan-mp', [
        {
          id: randomUUID(),
          type: 'ThemeFieldDefined',
          data: { masterplanId: 'mp', themeFieldId: 'tf', name: 'again', description: 'd' },
          metadata: { schemaVersion: 1, occurredAt: new Date().toISOString() },
        },
      ]);
      await store.close();
      badPosition = bad.position;

      let status: Record<string, Json> = {};
      const poll = async () =>
        (status = (
          await api.ok(
            '{ projectionStatus { name state checkpoint failure { position eventType message } } }',
          )
        ).projectionStatus.find((s: Record<string, Json>) => s.name === 'masterplans'));
      for (let i = 0; i < 100 && (await poll()).state !== 'FAILED'; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(status).toMatchObject({
        name: 'masterplans',
        state: 'FAILED',
        failure: { position: bad.position, eventType: 'ThemeFieldDefined' },
      });
      expect(status.checkpoint < bad.position).toBe(true);
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${server.url}/health/ready`);
      expect(ready.status).toBe(503);
      const readiness = JSON.stringify(await ready.json());
      expect(readiness).toContain(bad.position);
      // The error itself is for the operator, in the log, once, and for administrators: not
      // for anyone asking.
      expect(status.failure.message).toBe('told to administrators, and in the server log');
      const asAdministrator = (
        await api.ok('{ projectionStatus { name failure { message } } }', {}, admin)
      ).projectionStatus.find((s: Record<string, Json>) => s.name === 'masterplans');
      expect(asAdministrator.failure.message).toMatch(/UNIQUE constraint failed: theme_fields/);
      expect(readiness).not.toContain(asAdministrator.failure.message);
      await fetch(`${server.url}/health/ready`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const notReady = server
        .logLines()
        .filter((line) => line.context === 'Health' && line.level === 'warn');
      expect(notReady).toHaveLength(1);
      expect(JSON.stringify(notReady[0])).toContain(asAdministrator.failure.message);
      // A mutation is stored and says at once that this server cannot show it.
      const error = await api.refused(
        `mutation { scheduleMilestone(input: { masterplanId: "mp", title: "m", dueDate: "2014-01-01" }) { version } }`,
        {},
        admin,
      );
      expect(error.extensions).toMatchObject({
        code: 'READ_MODEL_STOPPED',
        stoppedAt: bad.position,
      });
      // A past time after everything applied cannot be shown whole: said so, not guessed.
      const past = await api.refused(
        `{ masterplan(id: "mp", asOf: "2099-01-01T00:00:00Z") { title } }`,
      );
      expect(past.extensions).toMatchObject({ code: 'READ_MODEL_STOPPED' });
      // Logged once, on one line, with what an operator needs.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stops = server
        .output()
        .split('\n')
        .filter((line) => line.includes('read-models stopped'));
      expect(stops).toHaveLength(1);
      expect(stops[0]).toContain(`"position":"${bad.position}"`);
    } finally {
      // No retry of the stopped read models holds the shutdown up.
      server.child.kill('SIGTERM');
      expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
    }
    try {
      const rebuild = spawnSync(process.execPath, [cli, 'rebuild-projections'], {
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      });
      expect(rebuild.status).toBe(1);
      expect(rebuild.stdout + rebuild.stderr).toContain('Rebuild stopped: ThemeFieldDefined');
      expect(rebuild.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(dir).filter((f) => f.includes('.rebuild'))).toEqual([]);
      expect(existsSync(join(dir, 'read-models.sqlite'))).toBe(true);
      // Read models that do not read the bad event can be built again on their own.
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], {
          env: { ...process.env, DATA_DIR: dir },
          encoding: 'utf8',
        });
      const unknown = run('rebuild-projections', '--read-model', 'actors', '--read-model', 'nope');
      expect(unknown.status).toBe(1);
      expect(unknown.stderr.trim()).toBe(
        "No read model is called 'nope'; the read models are actors, masterplans, dialogues, working-groups, proposals, measures, commitments, joint-declarations, audit",
      );
      const actorsAlone = run('rebuild-projections', '--read-model', 'actors');
      expect(actorsAlone.status).toBe(0);
      expect(actorsAlone.stdout).toMatch(/^Rebuilt the read models actors from \d+ events/);
      expect(readdirSync(dir).filter((f) => f.includes('.rebuild'))).toEqual([]);
      // The event, as stored, for the operator.
      const shown = spawnSync(process.execPath, [cli, 'show-event', badPosition], {
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      });
      expect(JSON.parse(shown.stdout)).toMatchObject({
        type: 'ThemeFieldDefined',
        position: badPosition,
      });
      // A DATA_DIR that is not the server's is said to be so, not rebuilt as an empty log.
      const elsewhere = spawnSync(process.execPath, [cli, 'rebuild-projections'], {
        env: { ...process.env, DATA_DIR: join(dir, 'typo') },
        encoding: 'utf8',
      });
      expect(elsewhere.status).toBe(1);
      expect(elsewhere.stderr).toContain('holds no event store');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
