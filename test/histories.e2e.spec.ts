import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import {
  Projector,
  ReactionRunner,
  SCHEMA_VERSIONS,
  toStoredEvent,
  type StoredEvent,
} from '@ml/masterplan';
import { seedAachenDemo } from '../apps/cli/src/seed/aachen-demo.js';
import { expectedHistories, type Entity } from '../libs/masterplan/test/expected-histories.js';
import { dataOf, startApp, type RunningApp } from './support/app.js';

/**
 * Every event is in the history of every entity it names, derived here from the events
 * themselves (not from the server's own code): the entity whose stream holds it, the
 * commitment it is about, every entity its data refers to, the organisation the user acted
 * for, and the masterplan it belongs to. Every event type of the catalogue must occur, so a
 * new type cannot be forgotten; every id field must be understood, so a new reference cannot.
 */
const HISTORY = (after = 'null') =>
  `history(first: 500, after: ${after}) { pageInfo { hasNextPage endCursor } edges { node { position } } }`;
interface History {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { position: string } }>;
}
interface WithHistory {
  id: string;
  history: History;
}

describe('complete histories', () => {
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  let admin: string;
  let events: StoredEvent[];
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) =>
    dataOf(await running.gql<T>(query, variables, admin));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-histories-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    admin = await running.token('fb02.wolf', { administrator: true });
    await seedAachenDemo(running.app.get(CommandBus), running.app.get(ReactionRunner));
    // What the demo does not tell: a revocation, an unassignment, a member leaving, the adoption.
    await gql(`mutation {
      appointRepresentative(input: { actorId: "dgb", userId: "dgb.second", name: "Second" }) { version }
      revokeRepresentative(input: { actorId: "dgb", userId: "dgb.second", reason: "moved on" }) { version }
      unassignMeasure(input: { measureId: "m-01", actorId: "ihk", reason: "focus" }) { version }
      leaveWorkingGroup(input: { workingGroupId: "wg-fachkraefte", actorId: "hwk" }) { version }
      adoptMasterplan(input: { masterplanId: "aachen-2020", resolution: { reference: "Rat 2014-02-05", body: "Rat der Stadt Aachen", decidedOn: "2014-02-05" } }) { version }
    }`);
    await running.app.get(Projector).reached(await store.headPosition());
    events = [];
    for await (const recorded of store.readAll()) {
      const event = toStoredEvent(recorded);
      if (event) events.push(event);
    }
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the story holds every event type of the catalogue', () => {
    const seen = new Set<string>(events.map((e) => e.type));
    expect(Object.keys(SCHEMA_VERSIONS).filter((type) => !seen.has(type))).toEqual([]);
  });

  it("every event is in each named entity's history field, no more and no less", async () => {
    const expected = expectedHistories(events);
    const found = new Map<Entity, string[]>();
    const record = (kind: string, items: WithHistory[]) => {
      for (const { id, history } of items) {
        expect(history.pageInfo.hasNextPage).toBe(false);
        found.set(
          `${kind}:${id}`,
          history.edges.map((e) => e.node.position),
        );
      }
    };
    // One list at a time: histories of whole lists of entities at once cost more than a
    // query may (the cost limit), as they should.
    const plan = await gql<{
      masterplan: { measures: Array<{ id: string }>; commitments: WithHistory[] };
      actors: Array<{ id: string }>;
    }>(`{ masterplan(id: "aachen-2020") { measures { id } commitments { id ${HISTORY()} } }
         actors { id } }`);
    record('commitment', plan.masterplan.commitments);
    for (const kind of ['proposals', 'workingGroups', 'dialogues', 'jointDeclarations'] as const) {
      const list = await gql<{ masterplan: Record<string, WithHistory[]> }>(
        `{ masterplan(id: "aachen-2020") { ${kind} { id ${HISTORY()} } } }`,
      );
      record(
        {
          proposals: 'proposal',
          workingGroups: 'working_group',
          dialogues: 'dialogue',
          jointDeclarations: 'joint_declaration',
        }[kind],
        list.masterplan[kind]!,
      );
    }
    for (const { id } of plan.masterplan.measures) {
      const one = await gql<{ measure: WithHistory & { commitments: WithHistory[] } }>(
        `query($id: ID!) { measure(id: $id) { id ${HISTORY()} commitments { id ${HISTORY()} } } }`,
        { id },
      );
      record('measure', [one.measure]);
      record('commitment', one.measure.commitments);
    }
    for (const { id } of plan.actors) {
      const one = await gql<{ actor: WithHistory }>(
        `query($id: ID!) { actor(id: $id) { id ${HISTORY()} } }`,
        { id },
      );
      record('actor', [one.actor]);
    }
    // The masterplan's own history is longer than a page.
    const positions: string[] = [];
    for (let after: string | null = null; ;) {
      const page: { masterplan: { history: History } } = await gql(
        `query($after: String) { masterplan(id: "aachen-2020") { ${HISTORY('$after')} } }`,
        { after },
      );
      positions.push(...page.masterplan.history.edges.map((e) => e.node.position));
      if (!page.masterplan.history.pageInfo.hasNextPage) break;
      after = page.masterplan.history.pageInfo.endCursor;
    }
    found.set('masterplan:aachen-2020', positions);

    expect([...found.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [entity, history] of found)
      expect({ entity, history: [...history].sort() }).toEqual({
        entity,
        history: [...expected.get(entity)!].sort(),
      });
  });

  it('the audit trail filtered by any entity, or by masterplan, finds the same entries', async () => {
    const expected = expectedHistories(events);
    const trail = async (filter: string) => {
      const positions: string[] = [];
      for (let after: string | null = null; ;) {
        const page: { auditTrail: History } = await gql(
          `query($after: String) { auditTrail(filter: ${filter}, first: 500, after: $after) { pageInfo { hasNextPage endCursor } edges { node { position } } } }`,
          { after },
        );
        positions.push(...page.auditTrail.edges.map((e) => e.node.position));
        if (!page.auditTrail.pageInfo.hasNextPage) return positions.sort();
        after = page.auditTrail.pageInfo.endCursor;
      }
    };
    const types: Record<string, string> = {
      masterplan: 'MASTERPLAN',
      actor: 'ACTOR',
      measure: 'MEASURE',
      commitment: 'COMMITMENT',
      proposal: 'PROPOSAL',
      dialogue: 'DIALOGUE',
      working_group: 'WORKING_GROUP',
      joint_declaration: 'JOINT_DECLARATION',
    };
    for (const [entity, positions] of expected) {
      const [kind, id] = [
        entity.slice(0, entity.indexOf(':')),
        entity.slice(entity.indexOf(':') + 1),
      ];
      expect({
        entity,
        positions: await trail(`{ entityType: ${types[kind]}, entityId: ${JSON.stringify(id)} }`),
      }).toEqual({ entity, positions: [...positions].sort() });
    }
    expect(await trail('{ masterplanId: "aachen-2020" }')).toEqual(
      [...expected.get('masterplan:aachen-2020')!].sort(),
    );
  });
});
