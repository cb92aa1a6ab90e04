import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dataOf, startApp, type RunningApp } from './support/app.js';

/**
 * The Aachen story over real HTTP and WebSocket, with real tokens: administrators set the
 * stage, representatives act for their organisations, and the audit trail and the past
 * masterplan answer who committed to what.
 */
describe('the Aachen story over GraphQL', () => {
  let dir: string;
  let running: RunningApp;
  let admin: string;
  let ihk: string;
  let dgb: string;
  let socket: Client | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-story-'));
    running = await startApp(dir);
    admin = await running.token('fb02.wolf', { administrator: true });
    ihk = await running.token('r.schmidt');
    dgb = await running.token('k.weber');
  });
  afterAll(async () => {
    await socket?.dispose();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async <T = Record<string, never>>(
    query: string,
    variables: Record<string, unknown>,
    token: string,
  ) => dataOf(await running.gql<T>(query, variables, token));
  const MEASURE_QUERY = `query($id: ID!, $asOf: DateTime) { masterplan(id: $id, asOf: $asOf) {
    title themeFields { name measures { id title version lead { name } commitments { id statement status actor { name } } } } } }`;

  it('administrators set the stage', async () => {
    for (const [actorId, name, kind, userId, person] of [
      ['ihk', 'IHK Aachen', 'CHAMBER', 'r.schmidt', 'Rainer Schmidt'],
      ['dgb', 'DGB Region NRW Süd-West', 'UNION', 'k.weber', 'Klaus Weber'],
    ]) {
      await run(
        `mutation($i: RegisterActorInput!) { registerActor(input: $i) { actor { id } } }`,
        { i: { actorId, name, kind } },
        admin,
      );
      await run(
        `mutation($i: AppointRepresentativeInput!) { appointRepresentative(input: $i) { actor { id } } }`,
        { i: { actorId, userId, name: person } },
        admin,
      );
    }
    await run(
      `mutation($i: InitiateMasterplanInput!) { initiateMasterplan(input: $i) { masterplan { id status } version } }`,
      {
        i: {
          masterplanId: 'aachen',
          title: 'Masterplan Industrieregion Aachen 2020',
          region: 'Region Aachen',
          motion: {
            reference: 'Ratsantrag SPD',
            title: 'Industrieregion Aachen',
            filedBy: 'SPD-Fraktion',
            filedOn: '2012-11-20',
          },
          resolution: {
            reference: 'AWW 2013-03-12',
            body: 'Ausschuss für Arbeit, Wirtschaft und Wissenschaft',
            decidedOn: '2013-03-12',
          },
        },
      },
      admin,
    );
    await run(
      `mutation($i: DefineThemeFieldInput!) { defineThemeField(input: $i) { version } }`,
      {
        i: {
          masterplanId: 'aachen',
          themeFieldId: 'fachkraefte',
          name: 'Fachkräfte',
          description: 'Skilled workers',
        },
      },
      admin,
    );
    const defined = await run<{
      defineMeasure: { measure: { id: string; status: string }; version: number };
    }>(
      `mutation($i: DefineMeasureInput!) { defineMeasure(input: $i) { measure { id status } version } }`,
      {
        i: {
          measureId: 'ausbildung',
          masterplanId: 'aachen',
          themeFieldId: 'fachkraefte',
          title: 'Ausbildungsoffensive',
          description: 'More apprenticeships',
          kind: 'QUICK_WIN',
        },
      },
      admin,
    );
    expect(defined.defineMeasure).toEqual({
      measure: { id: 'ausbildung', status: 'OPEN' },
      version: 0,
    });
    const assigned = await run<{
      assignMeasure: { measure: { lead: { name: string } }; version: number };
    }>(
      `mutation($i: AssignMeasureInput!) { assignMeasure(input: $i) { measure { lead { name } } version } }`,
      { i: { measureId: 'ausbildung', actorId: 'ihk', role: 'LEAD', expectedVersion: 0 } },
      admin,
    );
    // Read your writes: the payload already shows the change.
    expect(assigned.assignMeasure).toEqual({
      measure: { lead: { name: 'IHK Aachen' } },
      version: 1,
    });
  });

  it('refuses a public reader, a bad token, and a representative acting for another organisation — and writes nothing', async () => {
    const declare = `mutation($i: DeclareCommitmentInput!) { declareCommitment(input: $i) { commitment { id } } }`;
    const input = {
      i: {
        actorId: 'ihk',
        masterplanId: 'aachen',
        measureId: 'ausbildung',
        statement: 'We take over',
      },
    };
    const before = await running.gql<{ auditTrail: { edges: unknown[] } }>(
      `{ auditTrail(first: 500) { edges { cursor } } }`,
      {},
      admin,
    );

    const anonymous = await running.gql(declare, input);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const badToken = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ query: '{ actors { id } }' }),
    });
    expect(badToken.status).toBe(401);
    expect(
      ((await badToken.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!
        .extensions.code,
    ).toBe('UNAUTHENTICATED');

    const forbidden = await running.gql(declare, input, dgb);
    expect(forbidden.errors?.[0]).toMatchObject({
      message: "User 'k.weber' is not a representative of IHK Aachen and cannot act for it",
      extensions: { code: 'FORBIDDEN', reason: 'NOT_A_REPRESENTATIVE' },
    });

    const after = await running.gql<{ auditTrail: { edges: unknown[] } }>(
      `{ auditTrail(first: 500) { edges { cursor } } }`,
      {},
      admin,
    );
    expect(after.data!.auditTrail.edges).toHaveLength(before.data!.auditTrail.edges.length);
  });

  it('a stale expectedVersion is a CONFLICT naming both versions', async () => {
    const stale = await running.gql(
      `mutation($i: AssignMeasureInput!) { assignMeasure(input: $i) { version } }`,
      { i: { measureId: 'ausbildung', actorId: 'dgb', role: 'PARTNER', expectedVersion: 0 } },
      admin,
    );
    expect(stale.errors?.[0]?.extensions).toEqual({
      code: 'CONFLICT',
      reason: 'VERSION_MISMATCH',
      expectedVersion: 0,
      actualVersion: 1,
    });
  });

  let beforeCommitment: string;

  it('a live auditEvents subscription receives the commitment, which an idempotent repeat does not duplicate', async () => {
    socket = createClient({
      url: running.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${admin}` },
    });
    const received: Array<{ summary: string; eventType: string; organisationId: string }> = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      socket!.subscribe<{ auditEvents: (typeof received)[number] }>(
        {
          query: `subscription { auditEvents(filter: { eventTypes: [CommitmentDeclared] }) { summary eventType organisationId } }`,
        },
        {
          next: (message) => received.push(message.data!.auditEvents),
          error: reject,
          complete: resolve,
        },
      );
    });
    void subscribed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    beforeCommitment = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const declare = `mutation($i: DeclareCommitmentInput!) { declareCommitment(input: $i) { commitment { id status actor { name } } version repeated } }`;
    const input = {
      i: {
        commitmentId: 'c-ihk',
        actorId: 'ihk',
        masterplanId: 'aachen',
        measureId: 'ausbildung',
        statement: '150 more apprentices',
        dueDate: '2014-09-01',
        idempotencyKey: 'ihk-commit-1',
      },
    };
    const first = await run<{ declareCommitment: Record<string, unknown> }>(declare, input, ihk);
    const again = await run<{ declareCommitment: Record<string, unknown> }>(declare, input, ihk);
    expect(first.declareCommitment).toEqual({
      commitment: { id: 'c-ihk', status: 'ACTIVE', actor: { name: 'IHK Aachen' } },
      version: 2,
      repeated: false,
    });
    expect(again.declareCommitment).toEqual({ ...first.declareCommitment, repeated: true });

    for (let i = 0; i < 100 && received.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual([
      {
        eventType: 'CommitmentDeclared',
        organisationId: 'ihk',
        summary:
          "IHK Aachen (via user r.schmidt) declared a commitment to measure 'Ausbildungsoffensive'",
      },
    ]);
  });

  it('auditTrail answers who committed to what, for whom, on whose behalf', async () => {
    const trail = await run<{
      auditTrail: {
        edges: Array<{ node: Record<string, unknown> }>;
        pageInfo: { hasNextPage: boolean };
      };
    }>(
      `{ auditTrail(filter: { organisationId: "ihk", eventTypes: [CommitmentDeclared] }, first: 10) {
          edges { node { eventType userId organisationId roles entityType entityId masterplanId summary correlationId causationId data organisation { name } } }
          pageInfo { hasNextPage } } }`,
      {},
      admin,
    );
    expect(trail.auditTrail.pageInfo.hasNextPage).toBe(false);
    expect(trail.auditTrail.edges).toHaveLength(1);
    expect(trail.auditTrail.edges[0]!.node).toMatchObject({
      eventType: 'CommitmentDeclared',
      userId: 'r.schmidt',
      organisationId: 'ihk',
      organisation: { name: 'IHK Aachen' },
      roles: ['representative'],
      entityType: 'commitment',
      entityId: 'c-ihk',
      masterplanId: 'aachen',
      data: {
        commitmentId: 'c-ihk',
        actorId: 'ihk',
        measureId: 'ausbildung',
        statement: '150 more apprentices',
        dueDate: '2014-09-01',
      },
      correlationId: expect.any(String),
      causationId: expect.any(String),
    });

    const history = await run<{
      measure: { history: { edges: Array<{ node: { eventType: string } }> } };
    }>(
      `{ measure(id: "ausbildung") { history(order: NEWEST_FIRST, first: 2) { edges { node { eventType } } } } }`,
      {},
      admin,
    );
    expect(history.measure.history.edges.map((e) => e.node.eventType)).toEqual([
      'CommitmentDeclared',
      'MeasureAssigned',
    ]);

    const page1 = await run<{
      auditTrail: {
        edges: Array<{ node: { position: string } }>;
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    }>(
      `{ auditTrail(first: 3) { edges { node { position } } pageInfo { endCursor hasNextPage } } }`,
      {},
      admin,
    );
    const page2 = await run<{ auditTrail: { edges: Array<{ node: { position: string } }> } }>(
      `query($after: String) { auditTrail(first: 3, after: $after) { edges { node { position } } } }`,
      { after: page1.auditTrail.pageInfo.endCursor },
      admin,
    );
    expect(page1.auditTrail.pageInfo.hasNextPage).toBe(true);
    expect(
      page2.auditTrail.edges[0]!.node.position > page1.auditTrail.edges[2]!.node.position,
    ).toBe(true);
  });

  it('masterplan(asOf) shows the plan before and after the commitment, computed from the events', async () => {
    type Plan = {
      masterplan: {
        themeFields: Array<{ measures: Array<{ commitments: unknown[]; version: number }> }>;
      };
    };
    const then = await run<Plan>(MEASURE_QUERY, { id: 'aachen', asOf: beforeCommitment }, admin);
    const now = await run<Plan>(MEASURE_QUERY, { id: 'aachen' }, admin);
    expect(then.masterplan.themeFields[0]!.measures[0]).toMatchObject({
      commitments: [],
      version: 1,
    });
    expect(now.masterplan.themeFields[0]!.measures[0]).toMatchObject({
      version: 2,
      commitments: [
        {
          id: 'c-ihk',
          statement: '150 more apprentices',
          status: 'ACTIVE',
          actor: { name: 'IHK Aachen' },
        },
      ],
    });
  });

  it('masterplan(asOfPosition) shows what the log held at an audit entry, and refuses what is no position', async () => {
    const trail = await run<{
      auditTrail: { edges: Array<{ node: { position: string; eventType: string } }> };
    }>(
      `{ auditTrail(first: 500, filter: { masterplanId: "aachen" }) { edges { node { position eventType } } } }`,
      {},
      admin,
    );
    const declared = trail.auditTrail.edges.find((e) => e.node.eventType === 'CommitmentDeclared')!;
    const before = trail.auditTrail.edges[trail.auditTrail.edges.indexOf(declared) - 1]!.node;
    const query = `query($p: String) { masterplan(id: "aachen", asOfPosition: $p) {
      asOfPosition themeFields { measures { version commitments { id } } } } }`;
    type Plan = {
      masterplan: {
        asOfPosition: string;
        themeFields: Array<{ measures: Array<{ version: number; commitments: unknown[] }> }>;
      };
    };
    const then = await run<Plan>(query, { p: before.position }, admin);
    expect(then.masterplan.asOfPosition).toBe(before.position);
    expect(then.masterplan.themeFields[0]!.measures[0]).toEqual({ version: 1, commitments: [] });
    const at = await run<Plan>(query, { p: declared.node.position }, admin);
    expect(at.masterplan.themeFields[0]!.measures[0]).toEqual({
      version: 2,
      commitments: [{ id: 'c-ihk' }],
    });
    // Every entity's version is its stream's last revision, at the moment the view shows.
    const versions = await run<{
      masterplan: { version: number };
      actor: { version: number };
      auditTrail: { edges: Array<{ node: { streamId: string; version: number } }> };
    }>(
      `{ masterplan(id: "aachen") { version } actor(id: "ihk") { version }
         auditTrail(first: 500, filter: { masterplanId: "aachen" }) { edges { node { streamId version } } } }`,
      {},
      admin,
    );
    const ownEvents = versions.auditTrail.edges.filter(
      (e) => e.node.streamId === 'masterplan-aachen',
    );
    expect(versions.masterplan.version).toBe(ownEvents.at(-1)!.node.version);
    expect(versions.masterplan.version).toBeGreaterThan(0);
    expect(versions.actor.version).toBe(1);
    for (const p of ['42', 'yesterday']) {
      const refused = await running.gql(query, { p }, admin);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('an auditor asks: just before the commitment, who set what, what changed, and takes the trail and the declaration away', async () => {
    const declared = (
      await run<{ auditTrail: { edges: Array<{ node: { eventId: string } }> } }>(
        `{ auditTrail(first: 1, filter: { masterplanId: "aachen", eventTypes: [CommitmentDeclared] }) { edges { node { eventId } } } }`,
        {},
        admin,
      )
    ).auditTrail.edges[0]!.node.eventId;

    // Just before and just after the declaration, by its event id.
    const commitmentsAround = await run<{
      before: { commitments: unknown[] };
      after: { commitments: Array<{ id: string }> };
    }>(
      `query($e: ID) { before: measure(id: "ausbildung", justBeforeEvent: $e) { commitments { id } }
         after: measure(id: "ausbildung", justAfterEvent: $e) { commitments { id } } }`,
      { e: declared },
      admin,
    );
    expect(commitmentsAround).toEqual({
      before: { commitments: [] },
      after: { commitments: [{ id: 'c-ihk' }] },
    });

    // Who set what.
    const provenance = await run<{
      measure: {
        provenance: Array<{ field: string; setBy: string }>;
        assignments: Array<{ created: { by: string; eventType: string } }>;
        commitments: Array<{
          provenance: Array<{
            field: string;
            value: unknown;
            setBy: string;
            actingFor: { name: string };
          }>;
        }>;
      };
    }>(
      `{ measure(id: "ausbildung") { provenance { field setBy }
           assignments { created { by eventType } }
           commitments { provenance { field value setBy actingFor { name } } } } }`,
      {},
      admin,
    );
    expect(provenance.measure.provenance.find((p) => p.field === 'title')!.setBy).toBe('fb02.wolf');
    expect(provenance.measure.assignments[0]!.created).toEqual({
      by: 'fb02.wolf',
      eventType: 'MeasureAssigned',
    });
    expect(
      provenance.measure.commitments[0]!.provenance.find((p) => p.field === 'statement'),
    ).toEqual({
      field: 'statement',
      value: '150 more apprentices',
      setBy: 'r.schmidt',
      actingFor: { name: 'IHK Aachen' },
    });

    // What changed since just before the declaration, and who did it.
    const diff = await run<{
      masterplanDiff: {
        changes: Array<{
          entityType: string;
          entityId: string;
          kind: string;
          by: Array<{ by: string }>;
        }>;
      };
    }>(
      `query($e: ID) { masterplanDiff(id: "aachen", from: { justBeforeEvent: $e }) { changes { entityType entityId kind by { by } } } }`,
      { e: declared },
      admin,
    );
    expect(diff.masterplanDiff.changes).toContainEqual({
      entityType: 'COMMITMENT',
      entityId: 'c-ihk',
      kind: 'ADDED',
      by: [{ by: 'r.schmidt' }],
    });

    // The trail as a file.
    const exportsUrl = running.url.replace(/\/graphql$/, '/exports');
    const csv = await fetch(`${exportsUrl}/audit.csv?masterplanId=aachen`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const rows = (await csv.text()).trimEnd().split('\n');
    expect(rows.length - 1).toBe(Number(csv.headers.get('x-total-count')));
    expect(
      rows.some((row) => row.includes(',CommitmentDeclared,') && row.includes('r.schmidt')),
    ).toBe(true);

    // The joint declaration, signed and published, handed over.
    await run(
      `mutation { draftJointDeclaration(input: { declarationId: "erklaerung", masterplanId: "aachen", text: "Wir stärken die Industrieregion.", roadmap: [{ title: "Masterplan", dueDate: "2013-10-30" }] }) { version } }`,
      {},
      admin,
    );
    await run(
      `mutation { signJointDeclaration(input: { declarationId: "erklaerung", actorId: "ihk" }) { version } }`,
      {},
      ihk,
    );
    await run(
      `mutation { publishJointDeclaration(input: { declarationId: "erklaerung" }) { version } }`,
      {},
      admin,
    );
    const markdown = await (await fetch(`${exportsUrl}/declarations/erklaerung/markdown`)).text();
    expect(markdown).toContain('| IHK Aachen | chamber |');
    expect(markdown).toContain(
      '| IHK Aachen | 150 more apprentices | Ausbildungsoffensive | 2014-09-01 | active |',
    );
    const pdf = await fetch(`${exportsUrl}/declarations/erklaerung/pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('anyone can follow masterplanChanged live; auditEvents needs a token', async () => {
    const publicSocket = createClient({ url: running.wsUrl, webSocketImpl: WebSocket });
    try {
      const changes: Array<{
        eventType: string;
        masterplan: { title: string; measures: Array<{ percentComplete: number }> };
      }> = [];
      publicSocket.subscribe<{ masterplanChanged: (typeof changes)[number] }>(
        {
          query:
            'subscription { masterplanChanged(id: "aachen") { eventType masterplan { title measures { percentComplete } } } }',
        },
        {
          next: (message) => changes.push(message.data!.masterplanChanged),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      const refused = new Promise<unknown>((resolve) =>
        publicSocket.subscribe(
          { query: 'subscription { auditEvents { summary } }' },
          { next: resolve, error: resolve, complete: () => resolve('completed') },
        ),
      );
      expect(JSON.stringify(await refused)).toContain('UNAUTHENTICATED');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await run(
        `mutation($i: ReportMeasureProgressInput!) { reportMeasureProgress(input: $i) { version } }`,
        {
          i: {
            measureId: 'ausbildung',
            percentComplete: 10,
            note: 'Campaign started',
            actorId: 'ihk',
          },
        },
        ihk,
      );
      for (let i = 0; i < 100 && changes.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(changes).toEqual([
        {
          eventType: 'MeasureProgressReported',
          masterplan: {
            title: 'Masterplan Industrieregion Aachen 2020',
            measures: [{ percentComplete: 10 }],
          },
        },
      ]);
    } finally {
      await publicSocket.dispose();
    }
  });

  it('reads the same after a restart of the app', async () => {
    const before = await running.gql(MEASURE_QUERY, { id: 'aachen' }, admin);
    const trail = await running.gql(
      `{ auditTrail(first: 100) { edges { node { position summary } } } }`,
      {},
      admin,
    );
    await socket?.dispose();
    socket = undefined;
    await running.close();
    running = await startApp(dir);
    expect(await running.gql(MEASURE_QUERY, { id: 'aachen' }, admin)).toEqual(before);
    expect(
      await running.gql(
        `{ auditTrail(first: 100) { edges { node { position summary } } } }`,
        {},
        admin,
      ),
    ).toEqual(trail);
  });
});

describe('errors every client can rely on', () => {
  let dir: string;
  let running: RunningApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-errors-'));
    running = await startApp(dir);
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives syntax, validation, variable, not-found and rule errors a stable code', async () => {
    const admin = await running.token('admin', { administrator: true });
    const code = async (query: string, variables?: Record<string, unknown>) =>
      (await running.gql(query, variables, admin)).errors?.[0]?.extensions?.code;
    expect(await code('{ actors { id ')).toBe('GRAPHQL_PARSE_FAILED');
    expect(await code('{ actors { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(
      await code(
        'mutation($k: ActorKind!) { registerActor(input: { name: "Club", kind: $k }) { version } }',
        { k: 'CLUB' },
      ),
    ).toBe('BAD_USER_INPUT');
    // A variable the document declares but never uses is the document's fault.
    expect(await code('query($k: ActorKind!) { actors { id } }', { k: 'CHAMBER' })).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(await code('{ measure(id: "nope") { id } }')).toBe('NOT_FOUND');
    expect(
      await code(
        'mutation { registerActor(input: { name: " ", kind: CHAMBER }) { actor { id } } }',
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      await code(
        'mutation { reachMilestone(input: { masterplanId: "none", milestoneId: "x" }) { version } }',
      ),
    ).toBe('NOT_FOUND');
  });
});
