import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore, type RecordedEvent } from '@ml/event-store';
import { DeclareCommitment, WithdrawCommitment } from '../src/commitments/commitment.handlers.js';
import { DefineThemeField } from '../src/masterplans/masterplan.handlers.js';
import { DefineMeasure } from '../src/measures/measure.handlers.js';
import { AcceptProposal, SubmitProposal } from '../src/proposals/proposal.handlers.js';
import { newEntityId } from '../src/shared/command-metadata.js';
import type { CommandOutcome } from '../src/shared/command-executor.js';
import type { DomainCommand, CommandResult } from '../src/shared/domain-command.js';
import { isDomainEventType } from '../src/shared/event-catalogue.js';
import {
  ABANDONED_AFTER_MS,
  RESERVED,
  reservationStream,
  standingOf,
} from '../src/shared/id-registry.js';
import { isRejection, type Rejection } from '../src/shared/rejection.js';
import { startDomain, type DomainApp } from './domain-app.js';
import { admin, dgbRep, ihkRep } from './fixtures.js';
import { acceptProposal, meta, setTheStage } from './story.js';

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const e of iterable) all.push(e);
  return all;
}

/** As the GraphQL edge sends it: without a chosen id, one derived from the key (or random). */
const declare = (
  commitmentId: string | undefined,
  measureId: string,
  options: { actorId?: string; key?: string; user?: typeof ihkRep; statement?: string } = {},
) => {
  const m = meta(options.user ?? ihkRep, options.key ? { idempotencyKey: options.key } : {});
  return new DeclareCommitment(
    {
      commitmentId: commitmentId ?? newEntityId(m, 'DeclareCommitment'),
      actorId: options.actorId ?? 'ihk',
      masterplanId: 'mp',
      measureId,
      statement: options.statement ?? '20 training places',
    },
    m,
  );
};

const defineMeasure = (measureId: string) =>
  new DefineMeasure(
    {
      measureId,
      masterplanId: 'mp',
      themeFieldId: 'fachkraefte',
      title: `Measure ${measureId}`,
      description: 'd',
      kind: 'standard',
    },
    meta(admin),
  );

describe('entity ids are unique across the store', () => {
  let dir: string;
  let domain: DomainApp;
  const send = (command: DomainCommand<unknown>, on = domain): Promise<CommandResult> =>
    on.commands.execute(command);
  const ok = async (command: DomainCommand<unknown>, on = domain): Promise<CommandOutcome> => {
    const result = await send(command, on);
    if (isRejection(result)) throw new Error(`unexpected rejection: ${result.message}`);
    return result;
  };
  /** Sends a command that must be refused, and proves it appended nothing at all. */
  const refused = async (command: DomainCommand<unknown>, on = domain): Promise<Rejection> => {
    const before = await on.store.headPosition();
    const result = await send(command, on);
    if (!isRejection(result))
      throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
    expect(await on.store.headPosition()).toBe(before);
    return result;
  };
  const domainEventsIn = async (stream: string) =>
    (await collect(domain.store.readStream(stream))).filter((e) => isDomainEventType(e.type));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-unique-'));
    domain = await startDomain(dir);
    await setTheStage(domain.commands);
    const accepted = await acceptProposal(domain.commands);
    await domain.reactions.reached(accepted.position);
    await ok(defineMeasure('m-2'));
  });
  afterEach(async () => {
    await domain.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a commitment id taken on one measure is refused on another, and nothing is appended', async () => {
    await ok(declare('c-01', 'm-1'));
    const refusal = await refused(declare('c-01', 'm-2', { actorId: 'dgb', user: dgbRep }));
    expect(refusal).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'COMMITMENT_EXISTS' });
    expect(refusal.message).toContain("'c-01'");
    expect(refusal.message).toContain('measure-m-1');
    expect(await domainEventsIn('measure-m-2')).toHaveLength(1);
  });

  it('every kind of entity id is reserved: theme fields across masterplans, measures named by an acceptance', async () => {
    // The theme field id of the story is taken, whatever masterplan asks for it.
    expect(
      await refused(
        new DefineThemeField(
          { masterplanId: 'mp', themeFieldId: 'fachkraefte', name: 'Other', description: 'd' },
          meta(admin),
        ),
      ),
    ).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'THEME_FIELD_EXISTS' });
    // An acceptance names a measure id: taken ones are refused, and the id it names is
    // reserved for the measure the proposal becomes.
    await ok(
      new SubmitProposal(
        {
          proposalId: 'p-2',
          masterplanId: 'mp',
          themeFieldId: 'fachkraefte',
          actorId: 'ihk',
          title: 'Second',
          description: 'd',
        },
        meta(ihkRep),
      ),
    );
    expect(
      await refused(
        new AcceptProposal(
          { proposalId: 'p-2', measureId: 'm-2', measureKind: 'standard' },
          meta(admin),
        ),
      ),
    ).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'MEASURE_EXISTS' });
    await domain.app.close();
    // With reactions off, the accepted proposal's measure is not defined yet: still its id is taken.
    process.env.MASTERPLAN_REACTIONS = 'off';
    try {
      domain = await startDomain(dir);
      await ok(
        new AcceptProposal(
          { proposalId: 'p-2', measureId: 'm-3', measureKind: 'standard' },
          meta(admin),
        ),
      );
      const refusal = await refused(defineMeasure('m-3'));
      expect(refusal).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'MEASURE_EXISTS' });
      expect(refusal.message).toContain("proposal 'p-2'");
    } finally {
      delete process.env.MASTERPLAN_REACTIONS;
    }
    await domain.app.close();
    // The reaction itself may define it.
    domain = await startDomain(dir);
    await domain.reactions.reached(await domain.store.headPosition());
    expect(await domainEventsIn('measure-m-3')).toMatchObject([
      { type: 'MeasureDefined', data: { sourceProposalId: 'p-2' } },
    ]);
  });

  it('one idempotency key stands for one intention: another measure or other input is refused', async () => {
    const first = await ok(declare(undefined, 'm-1', { key: 'k-1' }));
    // The same intention again: the first outcome, nothing new.
    const again = await ok(declare(undefined, 'm-1', { key: 'k-1' }));
    expect(again).toMatchObject({ repeated: true, position: first.position });
    // The same key on another measure would have derived the same commitment id.
    expect(await refused(declare(undefined, 'm-2', { key: 'k-1' }))).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    // Other input on the same measure, or another command.
    expect(
      await refused(declare(undefined, 'm-1', { key: 'k-1', statement: 'other words' })),
    ).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const commitmentId = (first.events[0]!.data as { commitmentId: string }).commitmentId;
    expect(
      await refused(
        new WithdrawCommitment(
          { commitmentId, masterplanId: 'mp', measureId: 'm-1', reason: 'x' },
          meta(ihkRep, { idempotencyKey: 'k-1' }),
        ),
      ),
    ).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Keys are the user's own: another user may use the same key for anything.
    await ok(declare(undefined, 'm-2', { key: 'k-1', actorId: 'dgb', user: dgbRep }));
  });

  it('a key whose command was refused stays free for the corrected command', async () => {
    expect(await refused(declare('c-9', 'm-1', { key: 'k-2', statement: ' ' }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    await ok(declare('c-9', 'm-1', { key: 'k-2' }));
  });

  it('of two instances racing for one id on two measures, exactly one wins; the other appends nothing', async () => {
    const other = await startDomain(dir);
    try {
      for (let round = 0; round < 5; round++) {
        const id = `race-${round}`;
        const results = await Promise.all([
          send(declare(id, 'm-1', { statement: `a${round}` })),
          send(declare(id, 'm-2', { actorId: 'dgb', user: dgbRep, statement: `b${round}` }), other),
        ]);
        const accepted = results.filter((r) => !isRejection(r));
        const rejections = results.filter(isRejection);
        expect(accepted).toHaveLength(1);
        expect(rejections).toMatchObject([{ code: 'ALREADY_EXISTS', reason: 'COMMITMENT_EXISTS' }]);
        const declared = [
          ...(await domainEventsIn('measure-m-1')),
          ...(await domainEventsIn('measure-m-2')),
        ].filter((e) => (e.data as { commitmentId?: string }).commitmentId === id);
        expect(declared).toHaveLength(1);
        // Each actor holds at most one active commitment per measure: withdraw for the next round.
        const winner = accepted[0] as CommandOutcome;
        const onM1 = winner.streamId === 'measure-m-1';
        await ok(
          new WithdrawCommitment(
            {
              commitmentId: id,
              masterplanId: 'mp',
              measureId: onM1 ? 'm-1' : 'm-2',
              reason: 'next round',
            },
            meta(onM1 ? ihkRep : dgbRep),
          ),
        );
      }
    } finally {
      await other.app.close();
    }
  });

  it('a command refused after it reserved its id frees the id again', async () => {
    const other = await startDomain(dir);
    try {
      // The same actor declares twice on one measure from two instances, with two ids: one
      // wins, the other loses the race on the measure stream and is then refused
      // (ALREADY_COMMITTED), after it had reserved its id.
      const results = await Promise.all([
        send(declare('x-1', 'm-1')),
        send(declare('x-2', 'm-1'), other),
      ]);
      const loser = results.findIndex(isRejection);
      expect(loser).toBeGreaterThanOrEqual(0);
      expect(results[loser]).toMatchObject({ code: 'RULE_VIOLATED', reason: 'ALREADY_COMMITTED' });
      const freed = loser === 0 ? 'x-1' : 'x-2';
      // Whether or not the loser had got as far as reserving, its id is free now.
      await ok(declare(freed, 'm-2', { actorId: 'dgb', user: dgbRep }));
    } finally {
      await other.app.close();
    }
  });

  it('a store written before ids were reserved gets its reservations at the next start', async () => {
    await domain.app.close();
    const legacyDir = mkdtempSync(join(tmpdir(), 'ml-legacy-'));
    try {
      // Events as an older version wrote them: no reservations, no marker.
      const store = new SqliteEventStore({ file: join(legacyDir, 'events.sqlite') });
      for (const [stream, type, data] of [
        ['actor-ihk', 'ActorRegistered', { actorId: 'ihk', name: 'IHK', kind: 'chamber' }],
        [
          'actor-ihk',
          'RepresentativeAppointed',
          { actorId: 'ihk', userId: 'r.schmidt', name: 'R' },
        ],
        [
          'masterplan-mp',
          'MasterplanInitiated',
          { masterplanId: 'mp', title: 't', region: 'r', motion: {}, resolution: {} },
        ],
        [
          'masterplan-mp',
          'ThemeFieldDefined',
          { masterplanId: 'mp', themeFieldId: 'tf', name: 'n', description: 'd' },
        ],
        [
          'measure-a',
          'MeasureDefined',
          {
            measureId: 'a',
            masterplanId: 'mp',
            themeFieldId: 'tf',
            title: 'A',
            description: 'd',
            kind: 'standard',
          },
        ],
        [
          'measure-b',
          'MeasureDefined',
          {
            measureId: 'b',
            masterplanId: 'mp',
            themeFieldId: 'tf',
            title: 'B',
            description: 'd',
            kind: 'standard',
          },
        ],
        [
          'measure-a',
          'CommitmentDeclared',
          {
            commitmentId: 'old',
            actorId: 'ihk',
            masterplanId: 'mp',
            measureId: 'a',
            statement: 's',
          },
        ],
      ] as const)
        await store.appendToStream(stream, [
          { id: randomUUID(), type, data, metadata: { schemaVersion: 1 } },
        ]);
      await store.close();
      domain = await startDomain(legacyDir);
      expect(
        await collect(
          domain.store.readStream(reservationStream({ kind: 'commitment', id: 'old' })),
        ),
      ).toMatchObject([{ type: RESERVED, data: { home: 'measure-a' } }]);
      const refusal = await refused(
        new DeclareCommitment(
          {
            commitmentId: 'old',
            actorId: 'ihk',
            masterplanId: 'mp',
            measureId: 'b',
            statement: 's',
          },
          meta(ihkRep),
        ),
      );
      expect(refusal).toMatchObject({ code: 'ALREADY_EXISTS', reason: 'COMMITMENT_EXISTS' });
      // Once done, never again: a second start finds the marker and reserves nothing.
      const head = await domain.store.headPosition();
      await domain.app.close();
      domain = await startDomain(legacyDir);
      expect(await domain.store.headPosition()).toBe(head);
    } finally {
      rmSync(legacyDir, { recursive: true, force: true });
    }
  });
});

describe('where an id stands (pure)', () => {
  const reservation = (holder: string, recordedAt: Date): RecordedEvent => ({
    id: randomUUID(),
    type: RESERVED,
    data: { kind: 'commitment', id: 'c', holder, home: 'measure-m' },
    metadata: {},
    streamId: 'id-commitment-c',
    revision: 0,
    position: '0000000000000001' as RecordedEvent['position'],
    recordedAt,
  });
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('free when never reserved or released, ours for the same holder', () => {
    expect(standingOf(undefined, 'command:a', false, now)).toEqual({
      kind: 'free',
      expected: 'no_stream',
    });
    expect(
      standingOf(
        { ...reservation('command:a', new Date(now)), type: 'IdReleased', revision: 1 },
        'command:b',
        false,
        now,
      ),
    ).toEqual({ kind: 'free', expected: 1 });
    expect(standingOf(reservation('key:k', new Date(now)), 'key:k', false, now)).toEqual({
      kind: 'ours',
    });
  });

  it('taken once created; in progress for a while when not; then abandoned and open to take over', () => {
    const recent = reservation('command:a', new Date(now - 1000));
    expect(standingOf(recent, 'command:b', true, now).kind).toBe('taken');
    expect(standingOf(recent, 'command:b', false, now).kind).toBe('in-progress');
    const old = reservation('command:a', new Date(now - ABANDONED_AFTER_MS - 1));
    expect(standingOf(old, 'command:b', true, now).kind).toBe('taken');
    expect(standingOf(old, 'command:b', false, now)).toMatchObject({
      kind: 'abandoned',
      expected: 0,
    });
  });
});
