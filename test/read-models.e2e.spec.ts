import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type Position } from '@ml/event-store';
import {
  PROJECTIONS,
  Projector,
  ReactionRunner,
  ReadStore,
  TimeTravel,
  checkpointOf,
  rebuildReadModels,
  toStoredEvent,
  type StoredEvent,
} from '@ml/masterplan';
import { seedAachenDemo } from '../apps/cli/src/seed/aachen-demo.js';
import { dump, folded, shown } from '../libs/masterplan/test/read-model-views.js';
import { dataOf, startApp, type RunningApp } from './support/app.js';

const FULL_MASTERPLAN = `{ masterplan(id: "aachen-2020") {
  title status motion { title } milestones { title reachedOn }
  themeFields { name measures { id title kind status percentComplete
    lead { name } assignments { role actor { name kind } }
    commitments { statement status actor { name } }
    sourceProposal { title submittedBy { name } } } }
  proposals { title status submittedBy { name } workingGroup { name members { name } } }
  jointDeclarations { text roadmap { title } signatures { signedOn actor { name } } }
  dialogues { title participants { name } }
  commitments { statement actor { name } } } }`;

describe('the read models', () => {
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  let readStore: ReadStore;
  const caughtUp = async () => running.app.get(Projector).reached(await store.headPosition());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-read-models-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    readStore = running.app.get(ReadStore);
    await seedAachenDemo(running.app.get(CommandBus), running.app.get(ReactionRunner));
    await caughtUp();
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answer the same query asked by many at once with one run of it', async () => {
    await caughtUp();
    // A fresh alias keeps each round out of the answer cache.
    const plan = (alias: string) => FULL_MASTERPLAN.replace('{', `{ ${alias}: masterplans { id } `);
    let before = readStore.queries;
    dataOf(await running.gql(plan('alone')));
    const alone = readStore.queries - before;
    expect(alone).toBeGreaterThan(0);
    before = readStore.queries;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => running.gql(plan('together'))),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(dataOf(answers[0]!)).toHaveProperty('together');
    // One run for twenty (with room for a second, had the first ended before all arrived,
    // and for batches split across slices of the thread); twenty runs would be 20 times.
    expect(readStore.queries - before).toBeLessThanOrEqual(3 * alone);
  });

  it('serve the whole masterplan with a bounded number of read-store queries, whatever its size (no N+1)', async () => {
    const count = async () => {
      await caughtUp();
      const before = readStore.queries;
      const data = dataOf(
        await running.gql<{ masterplan: { themeFields: Array<{ measures: unknown[] }> } }>(
          FULL_MASTERPLAN,
        ),
      );
      return {
        queries: readStore.queries - before,
        measures: data.masterplan.themeFields.flatMap((t) => t.measures).length,
      };
    };
    const small = await count();
    expect(small.measures).toBe(30);

    const admin = await running.token('fb02.wolf', { administrator: true });
    const rep = await running.token('ihk.schmidt');
    for (let i = 0; i < 12; i++) {
      const id = `extra-${i}`;
      dataOf(
        await running.gql(
          `mutation { defineMeasure(input: { measureId: "${id}", masterplanId: "aachen-2020", themeFieldId: "innovationen", title: "Extra ${i}", description: "d", kind: STANDARD }) { version } }`,
          {},
          admin,
        ),
      );
      dataOf(
        await running.gql(
          `mutation { assignMeasure(input: { measureId: "${id}", actorId: "ihk", role: LEAD }) { version } }`,
          {},
          admin,
        ),
      );
      dataOf(
        await running.gql(
          `mutation { declareCommitment(input: { actorId: "ihk", masterplanId: "aachen-2020", measureId: "${id}", statement: "yes" }) { version } }`,
          {},
          rep,
        ),
      );
    }
    const large = await count();
    expect(large.measures).toBe(42);
    // Loads are batched per turn of the event loop, and a request lets others in when it has
    // held the thread for a slice (ReadView.step): on a loaded machine a batch can split in
    // two. What must not happen is a query per measure: 12 more measures, far fewer queries.
    expect(large.queries - small.queries).toBeLessThanOrEqual(2);
    expect(small.queries).toBeLessThanOrEqual(20);
  });

  it('rebuilt from position zero are identical to the ones updated event by event', async () => {
    await caughtUp();
    const rebuiltDir = mkdtempSync(join(tmpdir(), 'ml-rebuilt-'));
    const rebuilt = new ReadStore(join(rebuiltDir, 'read-models.sqlite'));
    try {
      const applied = await rebuildReadModels(store, rebuilt);
      expect(applied).toBeGreaterThan(250);
      const live = dump(readStore);
      delete live.checkpoints;
      const fresh = dump(rebuilt);
      delete fresh.checkpoints;
      expect(fresh).toEqual(live);
      for (const projection of PROJECTIONS)
        expect(rebuilt.checkpoint(checkpointOf(projection))).toBe(
          readStore.checkpoint(checkpointOf(projection)),
        );
    } finally {
      rebuilt.close();
      rmSync(rebuiltDir, { recursive: true, force: true });
    }
  });

  it('rebuild one read model alone, leaving the others as they are', async () => {
    await caughtUp();
    const copyDir = mkdtempSync(join(tmpdir(), 'ml-rebuilt-one-'));
    const file = join(copyDir, 'read-models.sqlite');
    await readStore.db.backup(file);
    const copy = new ReadStore(file);
    try {
      // Damage both: the audit is built again, the measures (not named) keep the damage.
      copy.db.exec('DELETE FROM audit_entries WHERE rowid % 2 = 0');
      copy.db.exec("UPDATE measures SET title = 'damaged'");
      const audit = PROJECTIONS.filter((p) => p.name === 'audit');
      expect(await rebuildReadModels(store, copy, undefined, audit)).toBeGreaterThan(250);
      const live = dump(readStore);
      const rebuilt = dump(copy);
      for (const table of ['audit_entries', 'audit_entities', 'audit_owners'])
        expect(rebuilt[table]).toEqual(live[table]);
      expect(rebuilt.measures!.length).toBe(live.measures!.length);
      expect(rebuilt.measures!.every((row) => String(row).includes('"title":"damaged"'))).toBe(
        true,
      );
      for (const projection of PROJECTIONS)
        expect(copy.checkpoint(checkpointOf(projection))).toBe(
          readStore.checkpoint(checkpointOf(projection)),
        );
    } finally {
      copy.close();
      rmSync(copyDir, { recursive: true, force: true });
    }
  });

  /** The domain events of the log (id reservations are bookkeeping, not read-model input). */
  const domainEvents = async (): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for await (const recorded of store.readAll()) {
      const event = toStoredEvent(recorded);
      if (event) events.push(event);
    }
    return events;
  };

  it('show any past log position exactly as a fold of the events up to it', async () => {
    await caughtUp();
    const events = await domainEvents();
    const timeTravel = running.app.get(TimeTravel);
    for (let i = 0; i < events.length; i += 3) {
      const view = await timeTravel.atPosition(events[i]!.position);
      expect(view.store).toBe(readStore);
      expect(shown(view.store, view.at)).toEqual(folded(events.slice(0, i + 1)));
    }
  });

  it('show a past time as the log position up to which everything had occurred, also when events came out of order', async () => {
    await caughtUp();
    const events = await domainEvents();
    const occurred = (e: StoredEvent) => e.metadata.occurredAt!;
    // A reaction is dated like its cause but logged after later events: out of order.
    expect(events.some((e, i) => i > 0 && occurred(e) < occurred(events[i - 1]!))).toBe(true);
    const timeTravel = running.app.get(TimeTravel);
    const times = [...new Set(events.map(occurred))].sort();
    for (const time of [...times, '2012-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z']) {
      const moment = new Date(time);
      for (const t of [new Date(moment.getTime() - 1), moment]) {
        const at = t.toISOString();
        // The longest prefix of the log whose every event had occurred by then.
        const firstLater = events.findIndex((e) => occurred(e) > at);
        const prefix = firstLater === -1 ? events : events.slice(0, firstLater);
        const view = await timeTravel.atTime(t);
        expect(view.asOf).toBe(prefix.at(-1)?.position ?? '');
        expect(shown(view.store, view.at)).toEqual(folded(prefix));
        // The position it reports reproduces it exactly.
        if (view.asOf)
          expect(
            shown((await timeTravel.atPosition(view.asOf as Position)).store, view.asOf),
          ).toEqual(shown(view.store, view.at));
      }
    }
  });

  it('report their status: checkpoint, head and lag', async () => {
    await caughtUp();
    const status = dataOf(
      await running.gql<{
        projectionStatus: Array<{
          name: string;
          checkpoint: string;
          head: string;
          lagEvents: number;
        }>;
      }>('{ projectionStatus { name checkpoint head lagEvents lagSeconds eventsApplied } }'),
    );
    // One per read model, each with its own checkpoint, then the reactions.
    expect(status.projectionStatus.map((s) => s.name)).toEqual([
      ...PROJECTIONS.map((p) => p.name),
      'reactions',
    ]);
    for (const readModel of status.projectionStatus.slice(0, -1)) {
      expect(readModel.lagEvents).toBe(0);
      expect(readModel.checkpoint).toBe(readModel.head);
    }
  });
});

describe('each read model on its own', () => {
  it('rebuilds only the one whose version changed, from zero, while the others keep their rows and checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-one-read-model-'));
    try {
      let running = await startApp(dir);
      await seedAachenDemo(running.app.get(CommandBus), running.app.get(ReactionRunner));
      const head = await running.app.get<EventStore>(EVENT_STORE).headPosition();
      await running.app.get(Projector).reached(head);
      const before = dump(running.app.get(ReadStore));
      await running.close();

      // As if the measures projection had changed in the code since these tables were built.
      const file = ReadStore.fileIn(dir);
      const outdated = new ReadStore(file);
      outdated.run("UPDATE read_models SET version = version - 1 WHERE name = 'measures'");
      outdated.close();

      running = await startApp(dir);
      try {
        await running.app.get(Projector).reached(head);
        const status = dataOf(
          await running.gql<{ projectionStatus: Array<{ name: string; eventsApplied: number }> }>(
            '{ projectionStatus { name eventsApplied } }',
          ),
        ).projectionStatus;
        const applied = Object.fromEntries(status.map((s) => [s.name, s.eventsApplied]));
        expect(applied.measures).toBeGreaterThan(250);
        for (const projection of PROJECTIONS)
          if (projection.name !== 'measures') expect(applied[projection.name]).toBe(0);
        expect(dump(running.app.get(ReadStore))).toEqual(before);
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
