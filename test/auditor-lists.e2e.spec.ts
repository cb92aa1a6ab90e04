import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { Projector, ReactionRunner } from '@ml/masterplan';
import { seedAachenDemo } from '../apps/cli/src/seed/aachen-demo.js';
import { dataOf, startApp, type RunningApp } from './support/app.js';

interface Page {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: Array<{ cursor: string; node: Record<string, unknown> }>;
}

const PAGE_FIELDS = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

describe("an auditor's lists: Relay connections, counted, and filters for what is missing", () => {
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-connections-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    await seedAachenDemo(running.app.get(CommandBus), running.app.get(ReactionRunner));
    await running.app.get(Projector).reached(await store.headPosition());
    admin = await running.token('fb02.wolf', { administrator: true });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every page of a list, in order, with `list(after)` answering one page. */
  const allPages = async (list: (after: string | null) => Promise<Page>): Promise<Page[]> => {
    const pages: Page[] = [];
    for (let after: string | null = null; ;) {
      const page = await list(after);
      pages.push(page);
      if (!page.pageInfo.hasNextPage) return pages;
      after = page.pageInfo.endCursor;
    }
  };

  const checkPages = (pages: Page[], size: number) => {
    const total = pages.flatMap((p) => p.edges).length;
    expect(pages.length).toBe(Math.max(1, Math.ceil(total / size)));
    pages.forEach((page, i) => {
      expect(page.totalCount).toBe(total);
      expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
      expect(page.pageInfo.hasNextPage).toBe(i < pages.length - 1);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    });
    return total;
  };

  it('the audit trail: totalCount of all pages, hasPreviousPage and startCursor, in both orders and filtered', async () => {
    const trail = (filter: string, order: string) => (after: string | null) =>
      running
        .gql<{ auditTrail: Page }>(
          `query($after: String) { auditTrail(first: 40, after: $after, order: ${order}${filter}) { ${PAGE_FIELDS} edges { cursor node { position } } } }`,
          { after },
          admin,
        )
        .then((r) => dataOf(r).auditTrail);
    const oldest = await allPages(trail('', 'OLDEST_FIRST'));
    const total = checkPages(oldest, 40);
    expect(total).toBeGreaterThan(200);
    const newest = await allPages(trail('', 'NEWEST_FIRST'));
    expect(checkPages(newest, 40)).toBe(total);
    const positions = (pages: Page[]) => pages.flatMap((p) => p.edges.map((e) => e.node.position));
    expect(positions(newest)).toEqual([...positions(oldest)].reverse());

    const ofOneMeasure = await allPages(
      trail(', filter: { entityType: MEASURE, entityId: "m-03" }', 'OLDEST_FIRST'),
    );
    const measureTotal = checkPages(ofOneMeasure, 40);
    expect(measureTotal).toBeGreaterThan(0);
    expect(measureTotal).toBeLessThan(total);
  });

  it('a history in the past counts only what had happened then', async () => {
    const now = dataOf(
      await running.gql<{ masterplan: { history: Page } }>(
        `{ masterplan(id: "aachen-2020") { history(first: 5) { ${PAGE_FIELDS} edges { cursor node { position } } } } }`,
        {},
        admin,
      ),
    ).masterplan.history;
    const fifth = now.edges[4]!.node.position as string;
    const then = dataOf(
      await running.gql<{ masterplan: { history: Page } }>(
        `query($at: String) { masterplan(id: "aachen-2020", asOfPosition: $at) { history(first: 5) { ${PAGE_FIELDS} edges { cursor node { position } } } } }`,
        { at: fifth },
        admin,
      ),
    ).masterplan.history;
    expect(then.totalCount).toBe(5);
    expect(then.pageInfo.hasNextPage).toBe(false);
    expect(now.totalCount).toBeGreaterThan(5);
  });

  it('commitments: counted, paged, and those overdue on a day', async () => {
    const list = (filter: string) => (after: string | null) =>
      running
        .gql<{ commitments: Page }>(
          `query($after: String) { commitments(first: 4, after: $after${filter}) { ${PAGE_FIELDS} edges { cursor node { id status dueDate } } } }`,
          { after },
        )
        .then((r) => dataOf(r).commitments);
    const all = await allPages(list(''));
    const total = checkPages(all, 4);
    const nodes = all.flatMap((p) => p.edges.map((e) => e.node));
    expect(nodes.length).toBe(total);
    const day = '2015-01-01';
    const expected = nodes
      .filter((c) => c.status === 'ACTIVE' && c.dueDate != null && (c.dueDate as string) < day)
      .map((c) => c.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const overdue = await allPages(list(`, filter: { overdueOn: "${day}" }`));
    checkPages(overdue, 4);
    expect(overdue.flatMap((p) => p.edges.map((e) => e.node.id))).toEqual(expected);

    const withTime = await running.gql(
      '{ commitments(filter: { overdueOn: "2014-12-31T12:00:00Z" }) { totalCount } }',
    );
    expect(withTime.errors![0]!.extensions).toMatchObject({ field: 'overdueOn' });
    const wrong = await running.gql(
      '{ commitments(filter: { overdueOn: "soon" }) { totalCount } }',
    );
    expect(wrong.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'overdueOn',
    });
    expect(wrong.errors![0]!.message).toBe(
      "overdueOn must be an ISO 8601 date such as 2013-11-20, not 'soon'",
    );
  });

  it('measures without a lead, or without active commitments, and their opposites', async () => {
    interface M {
      id: string;
      status: string;
      lead: { name: string } | null;
      commitments: Array<{ id: string }>;
    }
    const measures = async (filter = '') =>
      dataOf(
        await running.gql<{ masterplan: { measures: M[] } }>(
          `{ masterplan(id: "aachen-2020") { measures${filter} { id status lead { name } commitments(status: ACTIVE) { id } } } }`,
        ),
      ).masterplan.measures;
    const all = await measures();
    const ids = (list: M[]) => list.map((m) => m.id);
    const leaderless = all.filter((m) => m.lead === null);
    const uncommitted = all.filter((m) => m.commitments.length === 0);
    // The demo has both kinds, so each filter has something to leave out.
    expect(leaderless.length).toBeGreaterThan(0);
    expect(leaderless.length).toBeLessThan(all.length);
    expect(uncommitted.length).toBeGreaterThan(0);
    expect(uncommitted.length).toBeLessThan(all.length);
    expect(ids(await measures('(filter: { withoutLead: true })'))).toEqual(ids(leaderless));
    expect(ids(await measures('(filter: { withoutLead: false })'))).toEqual(
      ids(all.filter((m) => m.lead !== null)),
    );
    expect(ids(await measures('(filter: { withoutActiveCommitments: true })'))).toEqual(
      ids(uncommitted),
    );
    expect(
      ids(await measures('(filter: { withoutActiveCommitments: true, withoutLead: true })')),
    ).toEqual(ids(uncommitted.filter((m) => m.lead === null)));
    const status = all[0]!.status;
    expect(ids(await measures(`(filter: { status: ${status} })`))).toEqual(
      ids(all.filter((m) => m.status === status)),
    );
    // The same filter on a theme field's measures.
    const fields = dataOf(
      await running.gql<{
        masterplan: { themeFields: Array<{ all: M[]; leaderless: M[] }> };
      }>(
        `{ masterplan(id: "aachen-2020") { themeFields { all: measures { id lead { name } } leaderless: measures(filter: { withoutLead: true }) { id } } } }`,
      ),
    ).masterplan.themeFields;
    for (const field of fields)
      expect(ids(field.leaderless)).toEqual(ids(field.all.filter((m) => m.lead === null)));
  });

  it('shows a measure just before and just after an audit entry, found by its event id', async () => {
    const declared = dataOf(
      await running.gql<{
        auditTrail: {
          edges: Array<{
            node: {
              eventId: string;
              position: string;
              entityId: string;
              data: { measureId?: string; commitmentId: string };
            };
          }>;
        };
      }>(
        '{ auditTrail(first: 50, filter: { eventTypes: [CommitmentDeclared] }) { edges { node { eventId position entityId data } } } }',
        {},
        admin,
      ),
    )
      .auditTrail.edges.map((e) => e.node)
      .find((entry) => entry.data.measureId !== undefined)!;
    const measureId = declared.data.measureId!;
    const commitmentsAt = async (moment: string) =>
      dataOf(
        await running.gql<{
          measure: { asOfPosition: string; commitments: Array<{ id: string }> };
        }>(`{ measure(id: "${measureId}", ${moment}) { asOfPosition commitments { id } } }`),
      ).measure;
    const before = await commitmentsAt(`justBeforeEvent: "${declared.eventId}"`);
    const after = await commitmentsAt(`justAfterEvent: "${declared.eventId.toUpperCase()}"`);
    expect(before.commitments.map((c) => c.id)).not.toContain(declared.data.commitmentId);
    expect(after.commitments.map((c) => c.id)).toContain(declared.data.commitmentId);
    expect(after.asOfPosition).toBe(declared.position);
    expect(before.asOfPosition < declared.position).toBe(true);
    // The position it names shows the same.
    expect(await commitmentsAt(`asOfPosition: "${before.asOfPosition}"`)).toEqual(before);

    // Before the very first event, nothing existed.
    const first = dataOf(
      await running.gql<{ auditTrail: { edges: Array<{ node: { eventId: string } }> } }>(
        '{ auditTrail(first: 1) { edges { node { eventId } } } }',
        {},
        admin,
      ),
    ).auditTrail.edges[0]!.node;
    const nothing = await running.gql(
      `{ masterplan(id: "aachen-2020", justBeforeEvent: "${first.eventId}") { title } }`,
    );
    expect(nothing.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });

    const unknown = await running.gql(
      '{ measure(id: "m-03", justAfterEvent: "0b5c7a3e-0000-4000-8000-000000000000") { title } }',
    );
    expect(unknown.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', field: 'justAfterEvent' });
    expect(unknown.errors![0]!.message).toBe(
      "justAfterEvent: no audit entry has the eventId '0b5c7a3e-0000-4000-8000-000000000000'; take one from an audit entry",
    );
    const two = await running.gql(
      `{ measure(id: "m-03", asOfPosition: "${declared.position}", justBeforeEvent: "${declared.eventId}") { title } }`,
    );
    expect(two.errors![0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'justBeforeEvent',
    });
    expect(two.errors![0]!.message).toBe(
      'Give one of asOf, asOfPosition, justBeforeEvent, justAfterEvent, not asOfPosition and justBeforeEvent: each names a moment by itself',
    );
  });

  it('tells who set each field, and who made and ended assignments and commitments', async () => {
    const rep = await running.token('ihk.schmidt');
    const mutate = async (mutation: string, token: string) =>
      dataOf(await running.gql(`mutation { ${mutation} }`, {}, token));
    await mutate(
      'defineMeasure(input: { measureId: "prov-1", masterplanId: "aachen-2020", themeFieldId: "innovationen", title: "Provenance", description: "d", kind: QUICK_WIN }) { version }',
      admin,
    );
    await mutate(
      'assignMeasure(input: { measureId: "prov-1", actorId: "ihk", role: LEAD }) { version }',
      admin,
    );
    await mutate(
      'reportMeasureProgress(input: { measureId: "prov-1", actorId: "ihk", percentComplete: 30, note: "started" }) { version }',
      rep,
    );
    await mutate(
      'unassignMeasure(input: { measureId: "prov-1", actorId: "ihk", reason: "moved" }) { version }',
      admin,
    );
    await mutate(
      'assignMeasure(input: { measureId: "prov-1", actorId: "ihk", role: PARTNER }) { version }',
      admin,
    );
    await mutate(
      'declareCommitment(input: { commitmentId: "prov-c1", actorId: "ihk", masterplanId: "aachen-2020", measureId: "prov-1", statement: "we help" }) { version }',
      rep,
    );
    await mutate(
      'withdrawCommitment(input: { commitmentId: "prov-c1", reason: "no budget" }) { version }',
      rep,
    );

    const ACT = 'by at position eventId eventType actingFor { id }';
    const QUERY = `query($moment: ID) { measure(id: "prov-1", justBeforeEvent: $moment) {
      provenance { field value setBy actingFor { id } eventType position }
      assignments { role created { ${ACT} } ended { ${ACT} } provenance { field value setBy } }
      endedAssignments { role created { ${ACT} } ended { ${ACT} } }
      commitments { id provenance { field value setBy eventType } created { ${ACT} } ended { ${ACT} } } } }`;
    interface Provenance {
      field: string;
      value: unknown;
      setBy: string | null;
      actingFor?: { id: string } | null;
      eventType: string;
    }
    interface Act {
      by: string | null;
      eventType: string;
      position: string;
      eventId: string;
      actingFor: { id: string } | null;
    }
    interface Answer {
      measure: {
        provenance: Provenance[];
        assignments: Array<{
          role: string;
          created: Act;
          ended: Act | null;
          provenance: Provenance[];
        }>;
        endedAssignments: Array<{ role: string; created: Act; ended: Act }>;
        commitments: Array<{
          id: string;
          provenance: Provenance[];
          created: Act;
          ended: Act | null;
        }>;
      };
    }
    const now = dataOf(await running.gql<Answer>(QUERY, { moment: null }, admin)).measure;
    const field = (list: Provenance[], name: string) => list.find((p) => p.field === name)!;
    expect(field(now.provenance, 'title')).toMatchObject({
      value: 'Provenance',
      setBy: 'fb02.wolf',
      actingFor: null,
      eventType: 'MeasureDefined',
    });
    expect(field(now.provenance, 'percentComplete')).toMatchObject({
      value: 30,
      setBy: 'ihk.schmidt',
      actingFor: { id: 'ihk' },
      eventType: 'MeasureProgressReported',
    });
    expect(field(now.provenance, 'kind').value).toBe('QUICK_WIN');

    expect(now.assignments).toHaveLength(1);
    const [current] = now.assignments;
    expect(current).toMatchObject({
      role: 'PARTNER',
      ended: null,
      created: { by: 'fb02.wolf', eventType: 'MeasureAssigned' },
    });
    expect(field(current!.provenance, 'role')).toMatchObject({
      value: 'PARTNER',
      setBy: 'fb02.wolf',
    });
    expect(now.endedAssignments).toHaveLength(1);
    const [ended] = now.endedAssignments;
    expect(ended).toMatchObject({
      role: 'LEAD',
      created: { by: 'fb02.wolf', eventType: 'MeasureAssigned' },
      ended: { by: 'fb02.wolf', eventType: 'MeasureUnassigned' },
    });
    expect(ended!.created.position < current!.created.position).toBe(true);

    const [commitment] = now.commitments;
    expect(commitment).toMatchObject({
      id: 'prov-c1',
      created: { by: 'ihk.schmidt', eventType: 'CommitmentDeclared', actingFor: { id: 'ihk' } },
      ended: { by: 'ihk.schmidt', eventType: 'CommitmentWithdrawn', actingFor: { id: 'ihk' } },
    });
    expect(field(commitment!.provenance, 'status')).toMatchObject({
      value: 'WITHDRAWN',
      eventType: 'CommitmentWithdrawn',
    });
    expect(field(commitment!.provenance, 'statement')).toMatchObject({
      value: 'we help',
      eventType: 'CommitmentDeclared',
    });

    // Just before the withdrawal: active, ended by nobody yet.
    const before = dataOf(
      await running.gql<Answer>(QUERY, { moment: commitment!.ended!.eventId }, admin),
    ).measure;
    expect(before.commitments[0]!.ended).toBeNull();
    expect(field(before.commitments[0]!.provenance, 'status').value).toBe('ACTIVE');

    // A representative sees its own people, not the administrator behind an entry.
    const asRep = dataOf(await running.gql<Answer>(QUERY, { moment: null }, rep)).measure;
    expect(field(asRep.provenance, 'title').setBy).toBeNull();
    expect(field(asRep.provenance, 'percentComplete').setBy).toBe('ihk.schmidt');
    expect(asRep.endedAssignments[0]!.created.by).toBeNull();

    // Anonymous callers read the measure, not who did what.
    const anonymous = await running.gql('{ measure(id: "prov-1") { title provenance { field } } }');
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });

    const actor = dataOf(
      await running.gql<{ actor: { provenance: Provenance[] } }>(
        '{ actor(id: "ihk") { provenance { field value eventType } } }',
        {},
        admin,
      ),
    ).actor;
    expect(actor.provenance.map((p) => p.field)).toEqual(['name', 'shortName', 'kind']);
    expect(actor.provenance.every((p) => p.eventType === 'ActorRegistered')).toBe(true);
  });

  it('tells what differs between two moments of a masterplan, and who did it', async () => {
    const rep = await running.token('ihk.schmidt');
    const mutate = async (mutation: string, token: string) =>
      dataOf(
        await running.gql<Record<string, { position: string }>>(
          `mutation { ${mutation} }`,
          {},
          token,
        ),
      );
    const start = Object.values(
      await mutate(
        'defineMeasure(input: { measureId: "diff-1", masterplanId: "aachen-2020", themeFieldId: "innovationen", title: "Diff", description: "d", kind: STANDARD }) { position }',
        admin,
      ),
    )[0]!.position;
    await mutate(
      'assignMeasure(input: { measureId: "diff-1", actorId: "ihk", role: LEAD }) { position }',
      admin,
    );
    const middle = Object.values(
      await mutate(
        'declareCommitment(input: { commitmentId: "diff-c1", actorId: "ihk", masterplanId: "aachen-2020", measureId: "diff-1", statement: "yes" }) { position }',
        rep,
      ),
    )[0]!.position;
    await mutate(
      'unassignMeasure(input: { measureId: "diff-1", actorId: "ihk", reason: "r" }) { position }',
      admin,
    );
    await mutate(
      'reportMeasureProgress(input: { measureId: "diff-1", percentComplete: 50, note: "half" }) { position }',
      admin,
    );
    await mutate(
      'fulfilCommitment(input: { commitmentId: "diff-c1", note: "done" }) { position }',
      rep,
    );

    interface Diff {
      fromPosition: string;
      toPosition: string;
      changes: Array<{
        entityType: string;
        entityId: string;
        kind: string;
        fields: Array<{ field: string; before: unknown; after: unknown }>;
        by?: Array<{ by: string | null; eventType: string }>;
      }>;
    }
    /** The diff from one position to another, or to now (`to` null). */
    const diff = async (
      from: string,
      to: string | null,
      token = admin,
      by = 'by { by eventType }',
    ) =>
      running.gql<{ masterplanDiff: Diff }>(
        `query($from: String, $to: String) { masterplanDiff(id: "aachen-2020", from: { asOfPosition: $from }, to: { asOfPosition: $to }) {
          fromPosition toPosition changes { entityType entityId kind fields { field before after } ${by} } } }`,
        { from, to },
        token,
      );
    // From just after the measure was defined to the declaration: an assignment and a commitment came.
    const first = dataOf(await diff(start, middle)).masterplanDiff;
    expect(first).toMatchObject({ fromPosition: start, toPosition: middle });
    expect(first.changes.map((c) => [c.entityType, c.entityId, c.kind])).toEqual([
      ['ASSIGNMENT', 'diff-1/ihk', 'ADDED'],
      ['COMMITMENT', 'diff-c1', 'ADDED'],
    ]);
    expect(first.changes[0]!.fields).toContainEqual({ field: 'role', before: null, after: 'LEAD' });
    expect(first.changes[0]!.by).toEqual([{ by: 'fb02.wolf', eventType: 'MeasureAssigned' }]);
    expect(first.changes[1]!.by).toEqual([{ by: 'ihk.schmidt', eventType: 'CommitmentDeclared' }]);

    // From the declaration to now: the assignment went, the measure and the commitment changed.
    const second = dataOf(await diff(middle, null)).masterplanDiff;
    const byKey = new Map(second.changes.map((c) => [`${c.entityType}:${c.entityId}`, c]));
    expect(byKey.get('ASSIGNMENT:diff-1/ihk')).toMatchObject({
      kind: 'REMOVED',
      by: [{ by: 'fb02.wolf', eventType: 'MeasureUnassigned' }],
    });
    expect(byKey.get('MEASURE:diff-1')).toMatchObject({
      kind: 'CHANGED',
      fields: [
        { field: 'percentComplete', before: 0, after: 50 },
        { field: 'lastProgressNote', before: null, after: 'half' },
      ],
      by: [{ by: 'fb02.wolf', eventType: 'MeasureProgressReported' }],
    });
    expect(byKey.get('COMMITMENT:diff-c1')).toMatchObject({
      kind: 'CHANGED',
      fields: [
        { field: 'status', before: 'ACTIVE', after: 'FULFILLED' },
        { field: 'endNote', before: null, after: 'done' },
      ],
      by: [{ by: 'ihk.schmidt', eventType: 'CommitmentFulfilled' }],
    });
    // Nothing else of the plan changed meanwhile.
    expect(second.changes).toHaveLength(3);

    // The changes are public; who made them is not.
    const anonymous = await diff(middle, null, '', '');
    expect(dataOf(anonymous).masterplanDiff.changes).toHaveLength(3);
    const anonymousBy = await diff(middle, null, '');
    expect(anonymousBy.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });

    // Wrong moments are refused, naming what is wrong.
    const backwards = await diff(middle, start);
    expect(backwards.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(backwards.errors![0]!.message).toBe(
      `from (${middle}) is after to (${start}); name the earlier moment first`,
    );
    const nowhere = await running.gql(
      '{ masterplanDiff(id: "aachen-2020", from: {}) { toPosition } }',
    );
    expect(nowhere.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    const unknown = await running.gql(
      `{ masterplanDiff(id: "nope", from: { asOfPosition: "${start}" }) { toPosition } }`,
    );
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports the audit trail as CSV and JSON Lines, filtered, with the rights of the trail', async () => {
    const base = running.url.replace(/\/graphql$/, '/exports');
    const get = (path: string, token?: string) =>
      fetch(`${base}/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const totalOf = async (filter: string, token = admin) =>
      dataOf(
        await running.gql<{ auditTrail: { totalCount: number } }>(
          `{ auditTrail(first: 1${filter}) { totalCount } }`,
          {},
          token,
        ),
      ).auditTrail.totalCount;

    const csv = await get('audit.csv', admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="audit-trail.csv"');
    const total = await totalOf('');
    expect(Number(csv.headers.get('x-total-count'))).toBe(total);
    const lines = (await csv.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'position,eventId,eventType,occurredAt,recordedAt,entityType,entityId,masterplanId,userId,organisationId,roles,correlationId,causationId,streamId,version,summary,data',
    );
    expect(lines.length - 1).toBeGreaterThanOrEqual(total);

    const jsonl = await get(
      'audit.jsonl?masterplanId=aachen-2020&eventTypes=CommitmentDeclared,CommitmentWithdrawn',
      admin,
    );
    expect(jsonl.status).toBe(200);
    const entries = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            position: string;
            eventType: string;
            userId: string | null;
            data: object;
          },
      );
    expect(entries.length).toBe(
      await totalOf(
        ', filter: { masterplanId: "aachen-2020", eventTypes: [CommitmentDeclared, CommitmentWithdrawn] }',
      ),
    );
    expect(new Set(entries.map((e) => e.eventType))).toEqual(
      new Set(['CommitmentDeclared', 'CommitmentWithdrawn']),
    );
    expect(entries.map((e) => e.position)).toEqual([...entries.map((e) => e.position)].sort());
    expect(typeof entries[0]!.data).toBe('object');

    // A representative exports what auditTrail shows it: other organisations' people hidden.
    const rep = await running.token('ihk.schmidt');
    interface Exported {
      organisationId: string | null;
      userId: string | null;
      eventType: string;
      data: { actorId?: string };
    }
    const asRep = (await (await get('audit.jsonl', rep)).text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Exported);
    // The organisation an entry concerns: the one acted for, or the one a representative was
    // appointed to or revoked from.
    const concerns = (e: Exported) =>
      e.organisationId ?? (e.eventType.startsWith('Representative') ? e.data.actorId : null);
    expect(asRep.some((e) => concerns(e) === 'ihk' && e.userId === 'ihk.schmidt')).toBe(true);
    expect(asRep.filter((e) => concerns(e) !== 'ihk').every((e) => e.userId === null)).toBe(true);
    expect(asRep.filter((e) => concerns(e) !== 'ihk').length).toBeGreaterThan(0);

    // The CLI exports the same, as an administrator, beside the running server.
    const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const out = join(dir, 'export.jsonl');
    const run = spawnSync(
      process.execPath,
      [cli, 'export-audit', '--format', 'jsonl', '--out', out, '--masterplanId', 'aachen-2020'],
      {
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/\] (\d+)\/\1 entries/);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').length).toBe(
      await totalOf(', filter: { masterplanId: "aachen-2020" }'),
    );
    const typo = spawnSync(
      process.execPath,
      [cli, 'export-audit', '--format', 'jsonl', '--eventTypes', 'CommitmentDeclard'],
      {
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      },
    );
    expect(typo.status).toBe(1);
    expect(typo.stderr.trim()).toBe("eventTypes: no event type is called 'CommitmentDeclard'");

    // Wrong requests: a clear refusal each, and no export.
    const refusal = async (response: Response) => ({
      status: response.status,
      ...((await response.json()) as { errors: Array<{ message: string; extensions: object }> })
        .errors[0]!,
    });
    expect(await refusal(await get('audit.csv'))).toMatchObject({
      status: 401,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(await refusal(await get('audit.csv', await running.token('nobody')))).toMatchObject({
      status: 403,
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await refusal(await get('audit.csv?masterplanID=aachen-2020', admin))).toMatchObject({
      status: 400,
      message:
        "'masterplanID' is not a filter of the audit trail; the filters are organisationId, userId, entityId, masterplanId, correlationId, entityType, eventTypes, occurredFrom, occurredBefore",
      extensions: { code: 'BAD_USER_INPUT', field: 'masterplanID' },
    });
    expect(await refusal(await get('audit.csv?occurredFrom=yesterday', admin))).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_USER_INPUT', field: 'occurredFrom' },
    });
    expect(await refusal(await get('audit.csv?entityId=m-03', admin))).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_USER_INPUT', field: 'entityType' },
    });
    expect(await refusal(await get('audit.csv?userId=a&userId=b', admin))).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_USER_INPUT', field: 'userId' },
    });
  });

  it('hands over the joint declaration as Markdown and as a PDF', async () => {
    const base = running.url.replace(/\/graphql$/, '/exports/declarations');
    const plan = dataOf(
      await running.gql<{
        masterplan: {
          title: string;
          commitments: unknown[];
          measures: Array<{ commitments: unknown[] }>;
          jointDeclarations: Array<{ id: string; signatures: Array<{ actor: { name: string } }> }>;
        };
      }>(
        '{ masterplan(id: "aachen-2020") { title commitments { id } measures { commitments { id } } jointDeclarations { id signatures { actor { name } } } } }',
      ),
    ).masterplan;
    const [declaration] = plan.jointDeclarations;
    const commitments =
      plan.commitments.length + plan.measures.reduce((n, m) => n + m.commitments.length, 0);

    const markdown = await fetch(`${base}/${declaration!.id}/markdown`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const text = await markdown.text();
    expect(text.split('\n')[0]).toBe(`# Joint declaration: ${plan.title}`);
    expect(text).toContain(`## Signatories (${declaration!.signatures.length})`);
    for (const { actor } of declaration!.signatures) expect(text).toContain(`| ${actor.name} |`);
    expect(text).toContain(`## Commitments (${commitments})`);
    expect(text).toMatch(/as of log position \d+\./);

    const pdf = await fetch(`${base}/${declaration!.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.subarray(-6).toString()).toMatch(/%%EOF/);
    expect(bytes.toString('latin1').match(/\/Type \/Page\b/g)!.length).toBeGreaterThanOrEqual(2);

    // Anyone may ask, as often as they like: a burst of 60 at once is answered from one
    // file made for this state of the read models (its bytes, creation time included, are
    // the same), not 60 renders.
    const burst = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const answer = await fetch(`${base}/${declaration!.id}/pdf`);
        return { status: answer.status, bytes: Buffer.from(await answer.arrayBuffer()) };
      }),
    );
    expect(burst.map((b) => b.status)).toEqual(burst.map(() => 200));
    for (const b of burst) expect(b.bytes.equals(bytes)).toBe(true);

    // Asking for declarations that do not exist takes no export's turn: auditors' exports
    // of the trail go on whatever anonymous clients ask for meanwhile.
    const [trail, ...unknowns] = await Promise.all([
      fetch(running.url.replace(/\/graphql$/, '/exports/audit.csv'), {
        headers: { authorization: `Bearer ${admin}` },
      }),
      ...Array.from({ length: 40 }, (_, i) => fetch(`${base}/nope-${i}/pdf`)),
    ]);
    expect(trail.status).toBe(200);
    await trail.arrayBuffer();
    expect(unknowns.map((u) => u.status)).toEqual(unknowns.map(() => 404));

    const unknown = await fetch(`${base}/nope/pdf`);
    expect(unknown.status).toBe(404);
    expect(
      ((await unknown.json()) as { errors: Array<{ message: string }> }).errors[0]!.message,
    ).toBe("There is no joint declaration 'nope'");
  });
});
