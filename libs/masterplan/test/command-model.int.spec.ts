import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { EventStore, RecordedEvent } from '@ml/event-store';
import { AppointRepresentative, RegisterActor } from '../src/actors/actor.handlers.js';
import {
  DeclareCommitment,
  FulfilCommitment,
  WithdrawCommitment,
} from '../src/commitments/commitment.handlers.js';
import { DraftJointDeclaration } from '../src/declarations/joint-declaration.handlers.js';
import { ScheduleDialogue } from '../src/dialogues/dialogue.handlers.js';
import {
  DefineThemeField,
  InitiateMasterplan,
  PresentMasterplan,
} from '../src/masterplans/masterplan.handlers.js';
import { AssignMeasure, CancelMeasure, DefineMeasure } from '../src/measures/measure.handlers.js';
import { Projector } from '../src/projections/projector.js';
import { rebuildReadModels } from '../src/projections/rebuild.js';
import {
  AcceptProposal,
  RejectProposal,
  SubmitProposal,
  WithdrawProposal,
} from '../src/proposals/proposal.handlers.js';
import { ReadStore } from '../src/read-store/read-store.js';
import { canonicalJson } from '../src/shared/canonical-json.js';
import {
  commandMetadata,
  newEntityId,
  type CommandMetadata,
} from '../src/shared/command-metadata.js';
import type { CommandOutcome } from '../src/shared/command-executor.js';
import type { User } from '../src/shared/decider.js';
import type { DomainCommand } from '../src/shared/domain-command.js';
import { isRejection } from '../src/shared/rejection.js';
import { toStoredEvent, type StoredEvent } from '../src/shared/stored-event.js';
import { FormWorkingGroup } from '../src/working-groups/working-group.handlers.js';
import { startDomain, type DomainApp } from './domain-app.js';
import { expectedHistories } from './expected-histories.js';
import { motion, resolution } from './fixtures.js';
import { dump, folded, shown } from './read-model-views.js';

/**
 * Random sequences of commands from several users and roles, valid and invalid, with ids
 * and idempotency keys drawn from small pools so that they are reused often, run through
 * the real command path (Nest's command bus, the executor, reactions) on a real SQLite
 * file. After each command: a refused one appended nothing; an accepted one appended exactly
 * its events (and what reactions to them did); the model of ids and keys says what must have
 * happened; no read model or reaction is stopped. At the end: rebuilt read models equal the
 * incremental ones, the temporal view at random positions equals a fold of the events up to
 * there, and every event is in the history of every entity it names.
 *
 * `npm test` runs a few sequences; PROPERTY_RUNS and PROPERTY_COMMANDS run more and longer
 * ones (README, "Tests").
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
const MAX_COMMANDS = Number(process.env.PROPERTY_COMMANDS ?? 50);

const admin: User = { userId: 'fb02.admin', isAdministrator: true };
const USERS: User[] = [
  admin,
  { userId: 'rep.a', isAdministrator: false },
  { userId: 'rep.b', isAdministrator: false },
  { userId: 'nobody', isAdministrator: false },
];
const ACTORS = ['a1', 'a2'];
const PLANS = ['mp1', 'mp2'];
const FIELDS = ['tf1', 'tf2'];
/** m1 exists from the start: it is drawn more often. */
const MEASURES = ['m1', 'm1', 'm2', 'm3'];
const PROPOSALS = ['p1', 'p2'];
/** `undefined`: no id chosen; the edge derives one from the key, or makes a random one. */
const COMMITMENTS = ['c1', 'c2', undefined];
const KEYS = [undefined, undefined, 'k1', 'k2'];

/** One command as a client would send it: who, with which key, and the command itself. */
interface Step {
  label: string;
  user: User;
  key: string | undefined;
  make(meta: CommandMetadata): DomainCommand<unknown>;
  [fc.toStringMethod](): string;
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
// Administrators run most of the process, so they are asked most often.
/** Mostly the one who may, sometimes anybody: the process's commands by an administrator, */
const who = fc.oneof(
  { arbitrary: fc.constant(admin), weight: 4 },
  { arbitrary: pick(USERS), weight: 1 },
);
/** and an actor's by its representative. */
const repOf = (actorId: string) =>
  fc.oneof(
    { arbitrary: fc.constant(USERS[ACTORS.indexOf(actorId) + 1]!), weight: 4 },
    { arbitrary: pick(USERS), weight: 1 },
  );
const key = pick(KEYS);

function step(
  name: string,
  user: User,
  keyUsed: string | undefined,
  make: (meta: CommandMetadata) => DomainCommand<unknown>,
): Step {
  const label = `${name} by ${user.userId}${keyUsed ? ` key ${keyUsed}` : ''}`;
  // fast-check prints a counterexample as these labels.
  return { label, user, key: keyUsed, make, [fc.toStringMethod]: () => label };
}

/** A chosen id, or the one the GraphQL edge would make: derived from the key, or random. */
const idFor = (chosen: string | undefined, meta: CommandMetadata, commandName: string) =>
  chosen ?? newEntityId(meta, commandName);

/** A command by `user` (drawn by `by` from the command's own fields) with a random key. */
function command<T>(
  fields: fc.Arbitrary<T>,
  by: (fields: T) => fc.Arbitrary<User>,
  name: (fields: T) => string,
  make: (fields: T, meta: CommandMetadata) => DomainCommand<unknown>,
): fc.Arbitrary<Step> {
  return fields.chain((f) =>
    fc.tuple(by(f), key).map(([user, k]) => step(name(f), user, k, (meta) => make(f, meta))),
  );
}
const byAdmin = () => who;
const byRepOf = (f: { actorId: string }) => repOf(f.actorId);

const steps: Array<fc.Arbitrary<Step>> = [
  command(
    fc.record({ actorId: pick(ACTORS) }),
    byAdmin,
    (f) => `RegisterActor ${f.actorId}`,
    (f, m) =>
      new RegisterActor({ actorId: f.actorId, name: `Actor ${f.actorId}`, kind: 'chamber' }, m),
  ),
  command(
    fc.record({ actorId: pick(ACTORS), rep: pick(['rep.a', 'rep.b']) }),
    byAdmin,
    (f) => `AppointRepresentative ${f.rep} for ${f.actorId}`,
    (f, m) => new AppointRepresentative({ actorId: f.actorId, userId: f.rep, name: f.rep }, m),
  ),
  command(
    fc.record({ masterplanId: pick(PLANS) }),
    byAdmin,
    (f) => `InitiateMasterplan ${f.masterplanId}`,
    (f, m) =>
      new InitiateMasterplan(
        {
          masterplanId: f.masterplanId,
          title: f.masterplanId,
          region: 'Aachen',
          motion,
          resolution,
        },
        m,
      ),
  ),
  command(
    fc.record({ masterplanId: pick(PLANS), themeFieldId: pick(FIELDS) }),
    byAdmin,
    (f) => `DefineThemeField ${f.themeFieldId} in ${f.masterplanId}`,
    (f, m) => new DefineThemeField({ ...f, name: f.themeFieldId, description: 'd' }, m),
  ),
  command(
    fc.record({ measureId: pick(MEASURES), masterplanId: pick(PLANS), themeFieldId: pick(FIELDS) }),
    byAdmin,
    (f) => `DefineMeasure ${f.measureId} in ${f.masterplanId}/${f.themeFieldId}`,
    (f, m) =>
      new DefineMeasure({ ...f, title: f.measureId, description: 'd', kind: 'standard' }, m),
  ),
  command(
    fc.record({
      measureId: pick(MEASURES),
      actorId: pick(ACTORS),
      role: pick(['lead', 'partner'] as const),
    }),
    byAdmin,
    (f) => `AssignMeasure ${f.measureId} to ${f.actorId} as ${f.role}`,
    (f, m) => new AssignMeasure(f, m),
  ),
  command(
    fc.record({ measureId: pick(MEASURES) }),
    byAdmin,
    (f) => `CancelMeasure ${f.measureId}`,
    (f, m) => new CancelMeasure({ measureId: f.measureId, reason: 'covered elsewhere' }, m),
  ),
  command(
    fc.record({
      proposalId: pick(PROPOSALS),
      masterplanId: pick(PLANS),
      themeFieldId: pick(FIELDS),
      actorId: pick(ACTORS),
    }),
    byRepOf,
    (f) => `SubmitProposal ${f.proposalId} by ${f.actorId}`,
    (f, m) => new SubmitProposal({ ...f, title: f.proposalId, description: 'd' }, m),
  ),
  command(
    fc.record({ proposalId: pick(PROPOSALS), measureId: pick(MEASURES) }),
    byAdmin,
    (f) => `AcceptProposal ${f.proposalId} as ${f.measureId}`,
    (f, m) => new AcceptProposal({ ...f, measureKind: 'quick_win' }, m),
  ),
  command(
    fc.record({ proposalId: pick(PROPOSALS), actorId: pick(ACTORS), withdraw: fc.boolean() }),
    (f) => (f.withdraw ? repOf(f.actorId) : who),
    (f) => `${f.withdraw ? 'Withdraw' : 'Reject'}Proposal ${f.proposalId}`,
    (f, m) =>
      f.withdraw
        ? new WithdrawProposal({ proposalId: f.proposalId, reason: 'changed our mind' }, m)
        : new RejectProposal({ proposalId: f.proposalId, reason: 'duplicate structure' }, m),
  ),
  command(
    fc.record({
      commitmentId: pick(COMMITMENTS),
      actorId: pick(ACTORS),
      masterplanId: pick(PLANS),
      measureId: pick([...MEASURES, undefined]),
      statement: pick(['20 training places', 'two staff', ' ']),
    }),
    byRepOf,
    (f) =>
      `DeclareCommitment ${f.commitmentId ?? '(new id)'} of ${f.actorId} to ${f.measureId ?? f.masterplanId}`,
    (f, m) =>
      new DeclareCommitment(
        {
          commitmentId: idFor(f.commitmentId, m, 'DeclareCommitment'),
          actorId: f.actorId,
          masterplanId: f.masterplanId,
          ...(f.measureId ? { measureId: f.measureId } : {}),
          statement: f.statement,
        },
        m,
      ),
  ),
  command(
    fc.record({
      commitmentId: pick(['c1', 'c2']),
      actorId: pick(ACTORS),
      masterplanId: pick(PLANS),
      measureId: pick([...MEASURES, undefined]),
      withdraw: fc.boolean(),
    }),
    byRepOf,
    (f) =>
      `${f.withdraw ? 'Withdraw' : 'Fulfil'}Commitment ${f.commitmentId} on ${f.measureId ?? f.masterplanId}`,
    (f, m) => {
      const target = {
        commitmentId: f.commitmentId,
        masterplanId: f.masterplanId,
        ...(f.measureId ? { measureId: f.measureId } : {}),
      };
      return f.withdraw
        ? new WithdrawCommitment({ ...target, reason: 'budget cut' }, m)
        : new FulfilCommitment({ ...target, note: 'done' }, m);
    },
  ),
  command(
    fc.record({
      masterplanId: pick(PLANS),
      kind: pick(['dialogue', 'group', 'declaration', 'present'] as const),
    }),
    byAdmin,
    (f) => `${f.kind} in ${f.masterplanId}`,
    (f, m) => {
      const { masterplanId } = f;
      switch (f.kind) {
        case 'dialogue':
          return new ScheduleDialogue(
            {
              dialogueId: 'd1',
              masterplanId,
              title: 'Dialog',
              scheduledFor: '2013-06-01',
              venue: 'Aachen',
            },
            m,
          );
        case 'group':
          return new FormWorkingGroup(
            {
              workingGroupId: 'w1',
              masterplanId,
              themeFieldId: 'tf1',
              name: 'Kleingruppe',
              facilitatorActorId: 'a1',
            },
            m,
          );
        case 'declaration':
          return new DraftJointDeclaration(
            {
              declarationId: 'j1',
              masterplanId,
              text: 'Wir erklären',
              roadmap: [{ title: 'Start', dueDate: '2013-09-01' }],
            },
            m,
          );
        case 'present':
          return new PresentMasterplan({ masterplanId, dialogueId: 'd1' }, m);
      }
    },
  ),
];

/** The previous request again, as a client retrying after a lost answer does. */
const AGAIN = fc.constant('again' as const);

/** What the model knows: ids taken, and what each used idempotency key stood for. */
interface Model {
  ids: Set<string>;
  keys: Map<string, { intent: string; outcome: CommandOutcome }>;
}

interface Real {
  domain: DomainApp;
  store: EventStore;
}

/** The ids an accepted event creates, as the test reads the catalogue. */
function createdIds(event: { type: string; data: unknown }): string[] {
  const d = event.data as Record<string, string | undefined>;
  const created: Record<string, string | undefined> = {
    ActorRegistered: `actor:${d.actorId}`,
    MasterplanInitiated: `masterplan:${d.masterplanId}`,
    ThemeFieldDefined: `theme_field:${d.themeFieldId}`,
    ProposalSubmitted: `proposal:${d.proposalId}`,
    ProposalAccepted: `measure:${d.measureId}`,
    MeasureDefined: d.sourceProposalId ? undefined : `measure:${d.measureId}`,
    CommitmentDeclared: `commitment:${d.commitmentId}`,
    WorkingGroupFormed: `working_group:${d.workingGroupId}`,
    DialogueScheduled: `dialogue:${d.dialogueId}`,
    JointDeclarationDrafted: `joint_declaration:${d.declarationId}`,
  };
  const id = created[event.type];
  return id ? [id] : [];
}

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
}

/** Until the log stands still: reactions may append after the projector caught up. */
async function settle(domain: DomainApp): Promise<void> {
  const projector = domain.app.get(Projector);
  for (;;) {
    const head = await domain.store.headPosition();
    await domain.reactions.reached(head);
    await projector.reached(head);
    if ((await domain.store.headPosition()) === head) return;
  }
}

/** Sends one command and checks what it did against the model. */
async function send(step: Step, model: Model, { domain, store }: Real): Promise<void> {
  await settle(domain);
  const before = await allEvents(store);
  const meta = commandMetadata(step.user, step.key ? { idempotencyKey: step.key } : {});
  const command = step.make(meta);
  const result = await domain.commands.execute(command);
  tally[isRejection(result) ? result.code : result.repeated ? 'REPEATED' : 'ACCEPTED'] =
    (tally[isRejection(result) ? result.code : result.repeated ? 'REPEATED' : 'ACCEPTED'] ?? 0) + 1;
  await settle(domain);
  const appended = (await allEvents(store)).slice(before.length);
  const domainAppended = appended.filter((e) => toStoredEvent(e));

  const scope = step.key && `${step.user.userId}\u0000${step.key}`;
  const intent = canonicalJson({ command: command.constructor.name, data: command.data });
  const first = scope ? model.keys.get(scope) : undefined;
  if (first && first.intent !== intent) {
    // A key stands for one intention.
    expect(result).toMatchObject({ rejected: true, code: 'IDEMPOTENCY_KEY_REUSED' });
  } else if (first) {
    // The same intention again: the first outcome, nothing new.
    expect(result).toMatchObject({ repeated: true, position: first.outcome.position });
  }

  if (isRejection(result)) {
    expect({ refused: result.reason, appended: appended.map((e) => e.type) }).toEqual({
      refused: result.reason,
      appended: [],
    });
  } else if (result.repeated) {
    expect(appended).toEqual([]);
  } else {
    // Exactly its events, in its stream, and what reactions to them did.
    const own = domainAppended.filter((e) => e.metadata.commandId === meta.commandId);
    expect(own.map((e) => ({ type: e.type, data: e.data, stream: e.streamId }))).toEqual(
      result.events.map((e) => ({ type: e.type, data: e.data, stream: result.streamId })),
    );
    expect(own.at(-1)!.revision).toBe(result.version);
    const ownIds = new Set(own.map((e) => e.id));
    for (const other of domainAppended.filter((e) => !ownIds.has(e.id)))
      expect(ownIds.has(String(other.metadata.causationId))).toBe(true);
    for (const event of result.events)
      for (const id of createdIds(event)) {
        // No id is ever created twice.
        expect({ id, taken: model.ids.has(id) }).toEqual({ id, taken: false });
        model.ids.add(id);
      }
    if (scope) model.keys.set(scope, { intent, outcome: result });
  }
  // Nothing a client sends stops the read side.
  expect(domain.app.get(Projector).failed).toBeNull();
  expect(domain.reactions.failed).toBeNull();
}

/** Outcomes over all runs: the sequences must be more than refusals to prove anything. */
const tally: Record<string, number> = {};

/**
 * Where every run starts, through the same command path: two actors with a representative
 * each, a masterplan with a theme field, and a measure.
 */
const baseline = {
  ids: ['actor:a1', 'actor:a2', 'masterplan:mp1', 'theme_field:tf1', 'measure:m1'],
  async tell(domain: DomainApp): Promise<void> {
    const m = () => commandMetadata(admin);
    const commands: Array<DomainCommand<unknown>> = [
      new RegisterActor({ actorId: 'a1', name: 'Actor a1', kind: 'chamber' }, m()),
      new AppointRepresentative({ actorId: 'a1', userId: 'rep.a', name: 'A' }, m()),
      new RegisterActor({ actorId: 'a2', name: 'Actor a2', kind: 'union' }, m()),
      new AppointRepresentative({ actorId: 'a2', userId: 'rep.b', name: 'B' }, m()),
      new InitiateMasterplan(
        { masterplanId: 'mp1', title: 'mp1', region: 'Aachen', motion, resolution },
        m(),
      ),
      new DefineThemeField(
        { masterplanId: 'mp1', themeFieldId: 'tf1', name: 'tf1', description: 'd' },
        m(),
      ),
      new DefineMeasure(
        {
          measureId: 'm1',
          masterplanId: 'mp1',
          themeFieldId: 'tf1',
          title: 'm1',
          description: 'd',
          kind: 'standard',
        },
        m(),
      ),
    ];
    for (const command of commands) {
      const result = await domain.commands.execute(command);
      if (isRejection(result)) throw new Error(`baseline refused: ${result.message}`);
    }
  },
};

describe('the command path, as a model-based property', () => {
  afterAll(() => {
    // Most outcomes must be real decisions, not only refusals of an empty world.
    expect(tally.ACCEPTED ?? 0).toBeGreaterThan(RUNS * 3);
    expect(Object.keys(tally).length).toBeGreaterThan(4);
    console.log(`Command outcomes over ${RUNS} runs: ${JSON.stringify(tally)}`);
  });

  it(`keeps ids unique, keys to one intention, refusals empty and the read side whole (${RUNS} runs of up to ${MAX_COMMANDS} commands)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(...steps, AGAIN), {
          minLength: Math.ceil(MAX_COMMANDS / 2),
          maxLength: MAX_COMMANDS,
        }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        async (sequence, viewAt) => {
          const dir = mkdtempSync(join(tmpdir(), 'ml-model-'));
          const domain = await startDomain(dir);
          try {
            await baseline.tell(domain);
            const model: Model = { ids: new Set<string>(baseline.ids), keys: new Map() };
            let last: Step | undefined;
            for (const next of sequence) {
              // A client sending the same request again: same user, key and input.
              const now = next === 'again' ? last : next;
              if (now) await send(now, model, { domain, store: domain.store });
              last = now;
            }
            await settle(domain);
            const events = (await allEvents(domain.store))
              .map((e) => toStoredEvent(e))
              .filter((e): e is StoredEvent => e !== undefined);
            const live = domain.app.get(ReadStore);

            // Rebuilt from zero, the read models equal those built event by event.
            const rebuilt = new ReadStore(join(dir, 'rebuilt.sqlite'));
            try {
              await rebuildReadModels(domain.store, rebuilt);
              const [a, b] = [dump(rebuilt), dump(live)];
              delete a.checkpoints;
              delete b.checkpoints;
              expect(a).toEqual(b);
            } finally {
              rebuilt.close();
            }

            // The past at a position is a fold of the events up to it.
            for (const share of events.length > 0 ? viewAt : []) {
              const i = Math.min(events.length - 1, Math.floor(share * events.length));
              expect(shown(live, events[i]!.position)).toEqual(folded(events.slice(0, i + 1)));
            }

            // Every event is in the history of every entity it names.
            for (const [entity, positions] of expectedHistories(events)) {
              const [type, id] = [
                entity.slice(0, entity.indexOf(':')),
                entity.slice(entity.indexOf(':') + 1),
              ];
              const filed = live
                .all<{ position: string }>(
                  'SELECT position FROM audit_entities WHERE entity_type = ? AND entity_id = ? ORDER BY position',
                  type,
                  id,
                )
                .map((r) => r.position);
              expect({ entity, filed }).toEqual({ entity, filed: [...positions].sort() });
            }
          } finally {
            await domain.app.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: process.env.PROPERTY_SHRINK !== 'on' },
    );
  }, 600_000);
});
