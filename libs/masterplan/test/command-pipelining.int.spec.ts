import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@ml/event-store';
import { actorAggregate } from '../src/actors/actor.js';
import { decideMeasure, type MeasureCommand } from '../src/measures/decide.js';
import { measureAggregate, type MeasureEvent } from '../src/measures/measure.js';
import { CommandExecutor, type CommandOutcome } from '../src/shared/command-executor.js';
import type { User } from '../src/shared/decider.js';
import { upcast } from '../src/shared/upcasters.js';
import { isRejection, type Rejection } from '../src/shared/rejection.js';
import { startDomain, type DomainApp } from './domain-app.js';
import { admin, dgbRep, ihkRep } from './fixtures.js';
import { acceptProposal, meta, setTheStage } from './story.js';

async function collect(iterable: AsyncIterable<RecordedEvent>) {
  const all: RecordedEvent[] = [];
  for await (const e of iterable) all.push(e);
  return all;
}

/** A command on measure m-1 through `executor`, as the handlers send it (acting for `actorId`). */
function onMeasure(
  executor: CommandExecutor,
  command: MeasureCommand,
  user: User = admin,
  actorId = 'actorId' in command.data ? command.data.actorId : undefined,
): Promise<CommandOutcome | Rejection> {
  const m = meta(user);
  return executor.execute({
    aggregate: measureAggregate,
    entityId: 'm-1',
    commandName: command.type,
    meta: m,
    input: command.data,
    actingFor: actorId,
    decide: async (state) =>
      decideMeasure(command, state, {
        ...m,
        actor: await executor.stateOf(actorAggregate, actorId),
      }),
  });
}

const report = (i: number): MeasureCommand => ({
  type: 'ReportMeasureProgress',
  data: { measureId: 'm-1', percentComplete: i % 101, note: `report ${i}` },
});
const declare = (commitmentId: string): MeasureCommand => ({
  type: 'DeclareCommitment',
  data: { commitmentId, actorId: 'ihk', masterplanId: 'mp', measureId: 'm-1', statement: 'x' },
});

/** `store`, with `before` run ahead of its first append to the measure's stream. */
function interposed(store: EventStore, before: () => Promise<unknown>): EventStore {
  let done = false;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') {
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          if (args[0] === 'measure-m-1' && !done) {
            done = true;
            await before();
          }
          return target.appendToStream(...args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the state cache and commands in line on one stream', () => {
  let dir: string;
  let domain: DomainApp;
  /** Another server process on the same file: its own store and executor. */
  let otherStore: SqliteEventStore;
  let other: CommandExecutor;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-pipelining-'));
    domain = await startDomain(dir);
    await setTheStage(domain.commands);
    await domain.reactions.reached((await acceptProposal(domain.commands)).position);
    otherStore = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    other = new CommandExecutor(otherStore);
  });
  afterEach(async () => {
    await otherStore.close();
    await domain.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cached state is never behind what another store instance appended to the same file', async () => {
    const first = await onMeasure(domain.executor, declare('c-1'), ihkRep);
    expect(isRejection(first)).toBe(false);
    // The other instance withdraws it; this one's cache still holds it as active.
    const withdrawn = await onMeasure(
      other,
      {
        type: 'WithdrawCommitment',
        data: { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', reason: 'changed' },
      },
      ihkRep,
      'ihk',
    );
    expect(isRejection(withdrawn)).toBe(false);
    const retries = domain.executor.stats.retries;
    // Decided on the stale state this would be ALREADY_COMMITTED; read up to date, it is fine.
    const second = await onMeasure(domain.executor, declare('c-2'), ihkRep);
    expect(second).toMatchObject({ version: (withdrawn as CommandOutcome).version + 1 });
    expect(domain.executor.stats.retries).toBe(retries);
    const cached = await domain.executor.load(measureAggregate, 'm-1');
    const folded = await domain.executor.load(measureAggregate, 'm-1', { fromCache: false });
    expect(cached.state).toEqual(folded.state);
    expect(cached.version).toBe(folded.version);
  });

  it('a race lost to another instance between load and append is decided again on a refreshed state', async () => {
    const racing = new CommandExecutor(
      interposed(domain.store, () => onMeasure(other, declare('c-other'), ihkRep)),
    );
    await racing.load(measureAggregate, 'm-1');
    const outcome = await onMeasure(racing, declare('c-mine'), ihkRep);
    expect(outcome).toMatchObject({ rejected: true, reason: 'ALREADY_COMMITTED' });
    expect(racing.stats.retries).toBe(1);
    const types = (await collect(domain.store.readStream('measure-m-1'))).map((e) => e.type);
    expect(types.filter((t) => t === 'CommitmentDeclared')).toHaveLength(1);
  });

  it('many commands on one stream at once: each decides on the state the one before leaves, none retries', async () => {
    const retries = domain.executor.stats.retries;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => onMeasure(domain.executor, report(i))),
    );
    expect(results.filter(isRejection)).toEqual([]);
    const versions = (results as CommandOutcome[]).map((r) => r.version);
    expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
    expect(domain.executor.stats.retries).toBe(retries);
    const stored = await collect(domain.store.readStream('measure-m-1'));
    const notes = stored
      .filter((e) => e.type === 'MeasureProgressReported')
      .map((e) => (e.data as { note: string }).note);
    expect(notes).toEqual(Array.from({ length: 40 }, (_, i) => `report ${i}`));
    const cached = await domain.executor.load(measureAggregate, 'm-1');
    const folded = await domain.executor.load(measureAggregate, 'm-1', { fromCache: false });
    expect(cached).toEqual(folded);
  });

  it('when an append in the line is refused, those behind it decide again on what is stored, in order', async () => {
    const executor = new CommandExecutor(
      interposed(domain.store, () =>
        otherStore.appendToStream('measure-m-1', [
          {
            id: randomUUID(),
            type: 'MeasureProgressReported',
            data: { measureId: 'm-1', percentComplete: 5, note: 'from elsewhere' },
            metadata: { schemaVersion: 1 },
          },
        ]),
      ),
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => onMeasure(executor, report(i))),
    );
    expect(results.filter(isRejection)).toEqual([]);
    expect(executor.stats.retries).toBeGreaterThan(0);
    const stored = await collect(domain.store.readStream('measure-m-1'));
    expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));
    const notes = stored
      .filter((e) => e.type === 'MeasureProgressReported')
      .map((e) => (e.data as { note: string }).note);
    expect(notes).toEqual([
      'from elsewhere',
      ...Array.from({ length: 10 }, (_, i) => `report ${i}`),
    ]);
  });

  it('a refusal decided on a state not yet stored is given only once that state is stored', async () => {
    // The first declaration's append is refused (the measure was cancelled elsewhere); the
    // second, decided on the state the first would have left, must not answer ALREADY_COMMITTED.
    const executor = new CommandExecutor(
      interposed(domain.store, () =>
        onMeasure(other, { type: 'CancelMeasure', data: { measureId: 'm-1', reason: 'budget' } }),
      ),
    );
    const [first, second] = await Promise.all([
      onMeasure(executor, declare('c-a'), ihkRep),
      onMeasure(executor, declare('c-b'), ihkRep),
    ]);
    expect(first).toMatchObject({ rejected: true, reason: 'MEASURE_CANCELLED' });
    expect(second).toMatchObject({ rejected: true, reason: 'MEASURE_CANCELLED' });
  });

  it('a burst of mixed commands from two instances keeps every rule, and the cache agrees with the log', async () => {
    const actors = [
      { actorId: 'ihk', user: ihkRep },
      { actorId: 'dgb', user: dgbRep },
    ];
    // Deterministic pseudo-random mix: declarations, withdrawals and reports, half of them
    // through the other instance, all sent at once.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const sent = Array.from({ length: 60 }, (_, i) => {
      const executor = next(2) === 0 ? domain.executor : other;
      const { actorId, user } = actors[next(2)]!;
      const kind = next(3);
      if (kind === 0) return onMeasure(executor, report(i));
      if (kind === 1) return onMeasure(executor, declare(`c-${actorId}-${i}`), user, actorId);
      const guess = `c-${actorId}-${next(i + 1)}`;
      return onMeasure(
        executor,
        {
          type: 'WithdrawCommitment',
          data: { commitmentId: guess, masterplanId: 'mp', measureId: 'm-1', reason: 'mix' },
        },
        user,
        actorId,
      );
    });
    const outcomes = await Promise.all(sent);
    const stored = await collect(domain.store.readStream('measure-m-1'));
    expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));
    // Every accepted command's events are where its outcome says.
    for (const outcome of outcomes) {
      if (isRejection(outcome)) continue;
      const first = outcome.version - outcome.events.length + 1;
      expect(stored.slice(first, outcome.version + 1).map((e) => e.type)).toEqual(
        outcome.events.map((e) => e.type),
      );
    }
    // No actor ever held two active commitments to the measure.
    let state = measureAggregate.initialState;
    for (const e of stored) {
      state = measureAggregate.evolve(
        state,
        upcast(e.type, e.data, e.metadata.schemaVersion) as MeasureEvent,
      );
      for (const { actorId } of actors) {
        const active = Object.values(state.commitments).filter(
          (c) => c.actorId === actorId && c.status === 'active',
        );
        expect(active.length).toBeLessThanOrEqual(1);
      }
    }
    for (const executor of [domain.executor, other]) {
      const cached = await executor.load(measureAggregate, 'm-1');
      expect(cached.state).toEqual(state);
      expect(cached.version).toBe(stored.length - 1);
    }
  });
});
