import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { dataOf, startApp, type GraphQLResponse, type RunningApp } from './support/app.js';
import { follow } from './support/ws.js';

/**
 * Every mutation by every role, over HTTP: allowed, or refused with UNAUTHENTICATED (no
 * token) or FORBIDDEN and nothing appended. The expected table is read from
 * docs/security.md, so the documentation cannot drift from what the server does, and every
 * mutation of the schema must be in it. Then who may read what.
 */
type Role = 'public' | 'user' | 'representative' | 'other representative' | 'administrator';
const ROLES: Role[] = ['public', 'user', 'representative', 'other representative', 'administrator'];

/** The mutation × role table of docs/security.md: which roles may. */
function documentedTable(): Map<string, Set<Role>> {
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'security.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Who may do what'), doc.indexOf('## Who may read what'));
  const table = new Map<string, Set<Role>>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 8 || !/^[a-z]+[A-Za-z]*$/.test(cells[1]!) || cells[1] === 'mutation')
      continue;
    table.set(cells[1]!, new Set(ROLES.filter((_, i) => cells[i + 2] === 'yes')));
  }
  return table;
}

interface Attempt {
  query: string;
  variables: Record<string, unknown>;
}

describe('who may do what, and read what', () => {
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  const tokens = {} as Record<Role, string | undefined>;
  let n = 0;

  const as = async (role: Role, query: string, variables: Record<string, unknown> = {}) =>
    running.gql(query, variables, tokens[role]);
  const ok = async (role: Role, query: string, variables: Record<string, unknown> = {}) =>
    dataOf(await as(role, query, variables));
  const admin = (query: string, variables: Record<string, unknown> = {}) =>
    ok('administrator', query, variables);
  const rep = (query: string, variables: Record<string, unknown> = {}) =>
    ok('representative', query, variables);
  /** Input types are named after their mutation, but for the two that share one. */
  const inputType = (name: string) =>
    /WorkingGroup$/.test(name) && name !== 'formWorkingGroup'
      ? 'WorkingGroupMembershipInput'
      : `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const m = (name: string, input: Record<string, unknown>): Attempt => ({
    query: `mutation($input: ${inputType(name)}!) { ${name}(input: $input) { version } }`,
    variables: { input },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-authz-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    tokens.public = undefined;
    tokens.user = await running.token('just.a.user');
    tokens.representative = await running.token('rep.a');
    tokens['other representative'] = await running.token('rep.b');
    tokens.administrator = await running.token('fb02.admin', { administrator: true });
    for (const [actorId, userId] of [
      ['A', 'rep.a'],
      ['B', 'rep.b'],
    ]) {
      await admin(
        m('registerActor', { actorId, name: `Actor ${actorId}`, kind: 'CHAMBER' }).query,
        {
          input: { actorId, name: `Actor ${actorId}`, kind: 'CHAMBER' },
        },
      );
      await admin(m('appointRepresentative', {}).query, {
        input: { actorId, userId, name: `Rep of ${actorId}` },
      });
    }
    await admin(m('initiateMasterplan', {}).query, {
      input: {
        masterplanId: 'mp',
        title: 'Plan',
        region: 'Aachen',
        motion: { reference: 'm', title: 'm', filedBy: 'f', filedOn: '2012-11-20' },
        resolution: { reference: 'r', body: 'b', decidedOn: '2013-03-12' },
      },
    });
    await admin(m('defineThemeField', {}).query, {
      input: { masterplanId: 'mp', themeFieldId: 'tf', name: 'Field', description: 'd' },
    });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (attempt: Attempt, as: 'administrator' | 'representative') =>
    ok(as, attempt.query, attempt.variables);
  const plan = (id: string) => ({
    masterplanId: id,
    title: id,
    region: 'Aachen',
    motion: { reference: 'm', title: 'm', filedBy: 'f', filedOn: '2012-11-20' },
    resolution: { reference: 'r', body: 'b', decidedOn: '2013-03-12' },
  });
  const measure = async (id: string) =>
    run(
      m('defineMeasure', {
        measureId: id,
        masterplanId: 'mp',
        themeFieldId: 'tf',
        title: id,
        description: 'd',
        kind: 'STANDARD',
      }),
      'administrator',
    );
  const proposal = async (id: string) =>
    run(
      m('submitProposal', {
        proposalId: id,
        masterplanId: 'mp',
        themeFieldId: 'tf',
        actorId: 'A',
        title: id,
        description: 'd',
      }),
      'representative',
    );

  /** For each mutation: a fresh situation in which it can be sent, and the mutation. */
  const scenarios: Record<string, (i: string) => Promise<Attempt>> = {
    registerActor: async (i) =>
      m('registerActor', { actorId: `x${i}`, name: `X ${i}`, kind: 'COMPANY' }),
    appointRepresentative: async (i) =>
      m('appointRepresentative', { actorId: 'A', userId: `p${i}`, name: 'P' }),
    revokeRepresentative: async (i) => {
      await run(
        m('appointRepresentative', { actorId: 'A', userId: `p${i}`, name: 'P' }),
        'administrator',
      );
      return m('revokeRepresentative', { actorId: 'A', userId: `p${i}`, reason: 'left' });
    },
    initiateMasterplan: async (i) => m('initiateMasterplan', plan(`mp${i}`)),
    defineThemeField: async (i) =>
      m('defineThemeField', {
        masterplanId: 'mp',
        themeFieldId: `tf${i}`,
        name: `Field ${i}`,
        description: 'd',
      }),
    scheduleMilestone: async (i) =>
      m('scheduleMilestone', {
        masterplanId: 'mp',
        milestoneId: `ms${i}`,
        title: 't',
        dueDate: '2014-01-01',
      }),
    reachMilestone: async (i) => {
      await run(
        m('scheduleMilestone', {
          masterplanId: 'mp',
          milestoneId: `ms${i}`,
          title: 't',
          dueDate: '2014-01-01',
        }),
        'administrator',
      );
      return m('reachMilestone', { masterplanId: 'mp', milestoneId: `ms${i}` });
    },
    presentMasterplan: async (i) => {
      await run(m('initiateMasterplan', plan(`mp${i}`)), 'administrator');
      await run(
        m('defineThemeField', {
          masterplanId: `mp${i}`,
          themeFieldId: `tf${i}`,
          name: 'F',
          description: 'd',
        }),
        'administrator',
      );
      return m('presentMasterplan', { masterplanId: `mp${i}` });
    },
    adoptMasterplan: async (i) => {
      const present = await scenarios.presentMasterplan!(i);
      await run(present, 'administrator');
      return m('adoptMasterplan', {
        masterplanId: `mp${i}`,
        resolution: { reference: 'r2', body: 'Council', decidedOn: '2014-02-05' },
      });
    },
    scheduleDialogue: async (i) =>
      m('scheduleDialogue', {
        dialogueId: `d${i}`,
        masterplanId: 'mp',
        title: 't',
        scheduledFor: '2013-06-01',
        venue: 'v',
      }),
    holdDialogue: async (i) => {
      await run(await scenarios.scheduleDialogue!(i), 'administrator');
      return m('holdDialogue', {
        dialogueId: `d${i}`,
        heldOn: '2013-06-01',
        participantActorIds: ['A'],
      });
    },
    recordDialogueMinutes: async (i) => {
      await run(await scenarios.holdDialogue!(i), 'administrator');
      return m('recordDialogueMinutes', { dialogueId: `d${i}`, minutes: 'Minutes' });
    },
    formWorkingGroup: async (i) =>
      m('formWorkingGroup', {
        workingGroupId: `w${i}`,
        masterplanId: 'mp',
        themeFieldId: 'tf',
        name: 'Group',
        facilitatorActorId: 'B',
      }),
    joinWorkingGroup: async (i) => {
      await run(await scenarios.formWorkingGroup!(i), 'administrator');
      return m('joinWorkingGroup', { workingGroupId: `w${i}`, actorId: 'A' });
    },
    leaveWorkingGroup: async (i) => {
      await run(await scenarios.joinWorkingGroup!(i), 'administrator');
      return m('leaveWorkingGroup', { workingGroupId: `w${i}`, actorId: 'A' });
    },
    submitProposal: async (i) =>
      m('submitProposal', {
        proposalId: `p${i}`,
        masterplanId: 'mp',
        themeFieldId: 'tf',
        actorId: 'A',
        title: 'P',
        description: 'd',
      }),
    reviseProposal: async (i) => {
      await proposal(`p${i}`);
      return m('reviseProposal', { proposalId: `p${i}`, title: 'Revised' });
    },
    withdrawProposal: async (i) => {
      await proposal(`p${i}`);
      return m('withdrawProposal', { proposalId: `p${i}`, reason: 'no' });
    },
    acceptProposal: async (i) => {
      await proposal(`p${i}`);
      return m('acceptProposal', {
        proposalId: `p${i}`,
        measureId: `pm${i}`,
        measureKind: 'STANDARD',
      });
    },
    rejectProposal: async (i) => {
      await proposal(`p${i}`);
      return m('rejectProposal', { proposalId: `p${i}`, reason: 'duplicate' });
    },
    defineMeasure: async (i) =>
      m('defineMeasure', {
        measureId: `m${i}`,
        masterplanId: 'mp',
        themeFieldId: 'tf',
        title: 'M',
        description: 'd',
        kind: 'STANDARD',
      }),
    assignMeasure: async (i) => {
      await measure(`m${i}`);
      return m('assignMeasure', { measureId: `m${i}`, actorId: 'A', role: 'PARTNER' });
    },
    unassignMeasure: async (i) => {
      await run(await scenarios.assignMeasure!(i), 'administrator');
      return m('unassignMeasure', { measureId: `m${i}`, actorId: 'A', reason: 'r' });
    },
    reportMeasureProgress: async (i) => {
      await run(await scenarios.assignMeasure!(i), 'administrator');
      return m('reportMeasureProgress', {
        measureId: `m${i}`,
        percentComplete: 10,
        note: 'n',
        actorId: 'A',
      });
    },
    completeMeasure: async (i) => {
      await measure(`m${i}`);
      return m('completeMeasure', { measureId: `m${i}`, note: 'done' });
    },
    cancelMeasure: async (i) => {
      await measure(`m${i}`);
      return m('cancelMeasure', { measureId: `m${i}`, reason: 'no' });
    },
    declareCommitment: async (i) => {
      await measure(`m${i}`);
      return m('declareCommitment', {
        commitmentId: `c${i}`,
        actorId: 'A',
        masterplanId: 'mp',
        measureId: `m${i}`,
        statement: 'We will',
      });
    },
    withdrawCommitment: async (i) => {
      await run(await scenarios.declareCommitment!(i), 'representative');
      return m('withdrawCommitment', { commitmentId: `c${i}`, reason: 'budget' });
    },
    fulfilCommitment: async (i) => {
      await run(await scenarios.declareCommitment!(i), 'representative');
      return m('fulfilCommitment', { commitmentId: `c${i}`, note: 'done' });
    },
    draftJointDeclaration: async (i) =>
      m('draftJointDeclaration', {
        declarationId: `j${i}`,
        masterplanId: 'mp',
        text: 'We declare',
        roadmap: [{ title: 'Start', dueDate: '2013-09-01' }],
      }),
    signJointDeclaration: async (i) => {
      await run(await scenarios.draftJointDeclaration!(i), 'administrator');
      return m('signJointDeclaration', { declarationId: `j${i}`, actorId: 'A' });
    },
    publishJointDeclaration: async (i) => {
      await run(await scenarios.signJointDeclaration!(i), 'representative');
      return m('publishJointDeclaration', { declarationId: `j${i}` });
    },
    // Signs the head of the log: no input, and the answer is a checkpoint, not a version.
    signAuditCheckpoint: async () => ({
      query: 'mutation { signAuditCheckpoint { position } }',
      variables: {},
    }),
  };

  it('documents every mutation of the schema, and tests each', async () => {
    const schema = dataOf(
      await as('administrator', '{ __type(name: "Mutation") { fields { name } } }'),
    ) as { __type: { fields: Array<{ name: string }> } };
    const mutations = schema.__type.fields.map((f) => f.name).sort();
    expect([...documentedTable().keys()].sort()).toEqual(mutations);
    expect(Object.keys(scenarios).sort()).toEqual(mutations);
  });

  it.each([...documentedTable()].map(([name, allowed]) => [name, allowed] as const))(
    '%s: allowed for the documented roles only, and nothing appended when refused',
    async (name, allowed) => {
      for (const role of ROLES) {
        const attempt = await scenarios[name]!(String(++n));
        const head = await store.headPosition();
        const answer: GraphQLResponse = await as(role, attempt.query, attempt.variables);
        if (allowed.has(role)) {
          expect({ role, errors: answer.errors }).toEqual({ role, errors: undefined });
        } else {
          expect({ role, code: answer.errors?.[0]?.extensions?.code }).toEqual({
            role,
            code: role === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
          });
          expect(await store.headPosition()).toBe(head);
        }
      }
    },
  );

  it('a revoked representative loses the right to act with the next command', async () => {
    await admin(m('appointRepresentative', {}).query, {
      input: { actorId: 'A', userId: 'rep.temp', name: 'Temp' },
    });
    const temp = await running.token('rep.temp');
    const declare = (i: string) =>
      running.gql(
        m('submitProposal', {}).query,
        {
          input: {
            proposalId: `temp${i}`,
            masterplanId: 'mp',
            themeFieldId: 'tf',
            actorId: 'A',
            title: 't',
            description: 'd',
          },
        },
        temp,
      );
    expect((await declare('1')).errors).toBeUndefined();
    await admin(m('revokeRepresentative', {}).query, {
      input: { actorId: 'A', userId: 'rep.temp', reason: 'left' },
    });
    expect((await declare('2')).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_A_REPRESENTATIVE',
    });
  });

  it('shows the people behind the process only to administrators and their own organisation', async () => {
    await measure('read-1');
    await rep(m('declareCommitment', {}).query, {
      input: {
        commitmentId: 'read-a',
        actorId: 'A',
        masterplanId: 'mp',
        measureId: 'read-1',
        statement: 'A',
      },
    });
    await ok('other representative', m('declareCommitment', {}).query, {
      input: {
        commitmentId: 'read-b',
        actorId: 'B',
        masterplanId: 'mp',
        measureId: 'read-1',
        statement: 'B',
      },
    });
    const COMMITMENTS = `{ measure(id: "read-1") { commitments { id declaredBy } } }`;
    const declaredBy = async (role: Role) =>
      Object.fromEntries(
        (
          (await ok(role, COMMITMENTS)) as {
            measure: { commitments: Array<{ id: string; declaredBy: string | null }> };
          }
        ).measure.commitments.map((c) => [c.id, c.declaredBy]),
      );
    expect(await declaredBy('public')).toEqual({ 'read-a': null, 'read-b': null });
    expect(await declaredBy('user')).toEqual({ 'read-a': null, 'read-b': null });
    expect(await declaredBy('representative')).toEqual({ 'read-a': 'rep.a', 'read-b': null });
    expect(await declaredBy('administrator')).toEqual({ 'read-a': 'rep.a', 'read-b': 'rep.b' });

    const REPRESENTATIVES = (id: string) => `{ actor(id: "${id}") { representatives { userId } } }`;
    expect((await as('public', REPRESENTATIVES('A'))).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await as('user', REPRESENTATIVES('A'))).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await as('representative', REPRESENTATIVES('B'))).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await as('representative', REPRESENTATIVES('A'))).errors).toBeUndefined();

    const TRAIL = `{ auditTrail(filter: { entityType: MEASURE, entityId: "read-1" }) { edges { node {
      eventType organisationId userId correlationId summary } } } }`;
    expect((await as('public', TRAIL)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await as('user', TRAIL)).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'AUDIT_READERS_ONLY',
    });
    type Entry = {
      eventType: string;
      organisationId: string | null;
      userId: string | null;
      correlationId: string | null;
      summary: string;
    };
    const entries = (
      (await ok('representative', TRAIL)) as { auditTrail: { edges: Array<{ node: Entry }> } }
    ).auditTrail.edges.map((e) => e.node);
    const own = entries.find((e) => e.organisationId === 'A')!;
    const other = entries.find((e) => e.organisationId === 'B')!;
    const byAdmin = entries.find((e) => e.eventType === 'MeasureDefined')!;
    expect(own).toMatchObject({
      userId: 'rep.a',
      summary: expect.stringContaining('(via user rep.a)'),
    });
    expect(own.correlationId).not.toBeNull();
    expect(other).toMatchObject({
      userId: null,
      correlationId: null,
      summary: expect.stringMatching(/^Actor B declared/),
    });
    expect(byAdmin).toMatchObject({
      userId: null,
      summary: expect.stringMatching(/^An administrator defined/),
    });
    const all = (
      (await ok('administrator', TRAIL)) as { auditTrail: { edges: Array<{ node: Entry }> } }
    ).auditTrail.edges.map((e) => e.node);
    expect(all.every((e) => e.userId !== null)).toBe(true);
  });
  it('finds what one user or one request did only where the caller may see the people', async () => {
    await measure('find-1');
    const declare = (role: Role, id: string, actorId: string) =>
      ok(role, m('declareCommitment', {}).query, {
        input: {
          commitmentId: id,
          actorId,
          masterplanId: 'mp',
          measureId: 'find-1',
          statement: id,
        },
      });
    await declare('representative', 'find-a', 'A');
    await declare('other representative', 'find-b', 'B');
    type Page = {
      auditTrail: {
        edges: Array<{ node: { organisationId: string | null; correlationId: string | null } }>;
      };
    };
    const search = async (role: Role, filter: string) =>
      (
        (await ok(
          role,
          `{ auditTrail(first: 500, filter: { ${filter} }) { edges { node { organisationId correlationId } } } }`,
        )) as Page
      ).auditTrail.edges.map((e) => e.node);
    const [ofB] = await search('administrator', 'entityType: COMMITMENT, entityId: "find-b"');
    expect(ofB!.correlationId).not.toBeNull();

    expect(await search('representative', 'userId: "rep.b"')).toEqual([]);
    expect(await search('representative', `correlationId: "${ofB!.correlationId}"`)).toEqual([]);
    const own = await search('representative', 'userId: "rep.a"');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.organisationId === 'A')).toBe(true);
    expect((await search('administrator', 'userId: "rep.b"')).length).toBeGreaterThan(0);
    expect(await search('administrator', `correlationId: "${ofB!.correlationId}"`)).toHaveLength(1);
    // What B's organisation did is still there to find, without the people behind it.
    const ofOrganisationB = await search(
      'representative',
      'organisationId: "B", entityType: COMMITMENT',
    );
    expect(ofOrganisationB.length).toBeGreaterThan(0);
    expect(ofOrganisationB.every((e) => e.correlationId === null)).toBe(true);
  });

  it('tells each subscriber only what they may see, and ends a revoked representative’s audit subscription', async () => {
    await measure('live-1');
    await admin(m('appointRepresentative', {}).query, {
      input: { actorId: 'A', userId: 'rep.live', name: 'Live' },
    });
    const CHANGES = 'subscription { masterplanChanged(id: "mp") { eventType summary } }';
    type Change = { masterplanChanged: { eventType: string; summary: string } };
    type Entry = { auditEvents: { eventType: string; userId: string | null } };
    const anonymous = follow<Change>(running.wsUrl, CHANGES);
    const administrator = follow<Change>(running.wsUrl, CHANGES, tokens.administrator);
    const live = follow<Entry>(
      running.wsUrl,
      'subscription { auditEvents { eventType userId } }',
      await running.token('rep.live'),
    );
    const sockets = [anonymous, administrator, live];
    try {
      await Promise.all(sockets.map((socket) => socket.started));
      await rep(m('declareCommitment', {}).query, {
        input: {
          commitmentId: 'live-a',
          actorId: 'A',
          masterplanId: 'mp',
          measureId: 'live-1',
          statement: 'a',
        },
      });
      for (const socket of sockets) await socket.until(() => socket.received.length === 1);
      expect(anonymous.received[0]!.masterplanChanged.summary).not.toContain('rep.a');
      expect(anonymous.received[0]!.masterplanChanged.summary).toMatch(/^Actor A declared/);
      expect(administrator.received[0]!.masterplanChanged.summary).toContain('(via user rep.a)');
      expect(live.received[0]!.auditEvents).toEqual({
        eventType: 'CommitmentDeclared',
        userId: 'rep.a',
      });

      await admin(m('revokeRepresentative', {}).query, {
        input: { actorId: 'A', userId: 'rep.live', reason: 'left' },
      });
      await live.until(() => live.errors.length > 0);
      expect(live.errors[0]![0]!.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'AUDIT_READERS_ONLY',
      });
      expect(live.received).toHaveLength(1);
    } finally {
      for (const socket of sockets) await socket.dispose();
    }
  });
});
