import {
  WrongExpectedVersion,
  StreamNotFound,
  wasWritten,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
} from '@ml/event-store';
import type { Aggregate, Decision, DomainEvent } from './decider.js';
import { eventMetadata, idempotencyScope, type CommandMetadata } from './command-metadata.js';
import { idsCreatedBy, type MasterplanDomainEvent } from './event-catalogue.js';
import { IdRegistry, type HeldReservation } from './id-registry.js';
import { IdempotencyKeys, intentOf, keyReused } from './idempotency.js';
import { newId, uuidFrom } from './ids.js';
import { invalid, isRejection, reject, type Rejection } from './rejection.js';
import { upcast } from './upcasters.js';
import { KEY_SHAPE, requireId } from './validation.js';

/** What a command changed. `version` is the entity's stream revision after it. */
export interface CommandOutcome {
  streamId: string;
  entityId: string;
  version: number;
  position: Position;
  events: DomainEvent[];
  /** True when this was a repeat of an earlier command with the same idempotency key. */
  repeated: boolean;
}

export interface Loaded<State> {
  state: State;
  /** -1 when the stream does not exist yet. */
  version: number;
  /** Outcomes of earlier commands by idempotency scope, to answer repeats. */
  earlier: Map<string, EarlierOutcome>;
}

/** A keyed command's outcome as found in its stream, with what the key stood for. */
export type EarlierOutcome = Omit<CommandOutcome, 'repeated'> & {
  commandName: string;
  /** Absent on events stored before intentions were recorded. */
  intent?: string;
};

export interface CommandExecution<State, E extends DomainEvent> {
  aggregate: Aggregate<State, E>;
  entityId: string;
  commandName: string;
  meta: CommandMetadata;
  /** The command's input as the caller gave it: what an idempotency key stands for. */
  input: unknown;
  /**
   * The organisation (actor id) the user acts for, if any, recorded on every event; a
   * function when it follows from the state (e.g. the holder of a commitment).
   */
  actingFor?: string | ((state: State) => string | undefined);
  /** Decides on the freshly loaded state; may look up other aggregates (re-run on retry). */
  decide(state: State): Decision<E> | Promise<Decision<E>>;
}

const MAX_ATTEMPTS = 5;
const CACHED_STREAMS = 10_000;

/** A command's append on its way, and what its stream will be once it is written. */
interface Appending {
  loaded: Loaded<unknown>;
  append: Promise<AppendResult>;
}

/** A command's place in the line of commands on its stream in this process. */
interface Turn {
  /** Settles when the command has appended (with what it appends) or has finished. */
  handedOver: Promise<Appending | undefined>;
  finished: Promise<void>;
}

/** What a command learns from the one before it on its stream. */
interface Line {
  /** The one before has appended this and not yet been answered: decide on what it will leave. */
  appending?: Appending;
  /** The one before has finished. */
  before: Promise<void>;
  /** Lets the next one decide on what this one appends (absent: the next one waits for it). */
  handOver?(appending: Appending): void;
}

/** An event as a fold meets it: upcast, with its revision and (once stored) position. */
interface Folded {
  event: DomainEvent;
  metadata: EventMetadata;
  revision: number;
  position?: Position;
}

/**
 * The one path from a command to stored events: load, decide, append with the revision
 * read. Without a caller-supplied expected version a lost race is retried (re-read,
 * re-decide) a few times; with one, it is a conflict.
 *
 * Commands on one stream take turns in this process. A command without an idempotency key
 * hands over as soon as it has appended: the next one decides on the state its events will
 * leave and appends behind it (`after`), without waiting for the commit, so a hot stream is
 * not limited to one command per commit. Should the first append be refused, so is the
 * second, which then waits for the first to finish and decides again on what is stored; a
 * refusal decided on a state not yet stored is given only once that state is.
 */
export class CommandExecutor {
  /** Counters for benchmarks and status: lost races retried, and conflicts reported. */
  readonly stats = { commands: 0, retries: 0, conflicts: 0 };

  /**
   * States of recently used streams as stored, most recent last (an LRU of folded state,
   * revision and keyed outcomes). A load reads only the events after the cached revision,
   * so it is never behind what is stored; a command's own append updates it without a read.
   */
  private readonly cache = new Map<string, Loaded<unknown>>();
  /** The last command in line per stream in this process. */
  private readonly turns = new Map<string, Turn>();

  readonly ids: IdRegistry;
  private readonly keys: IdempotencyKeys;
  private prepared?: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly logger: { log(message: string): void; warn(message: string): void } = console,
  ) {
    this.ids = new IdRegistry(store);
    this.keys = new IdempotencyKeys(store);
  }

  /**
   * The state of a stream: from the cache of recently used streams plus the events after
   * it, or folded from the start. States are immutable values, so a cached one is shared.
   */
  async load<State, E extends DomainEvent>(
    aggregate: Aggregate<State, E>,
    entityId: string,
    options: { fromCache?: boolean } = {},
  ): Promise<Loaded<State>> {
    const streamId = aggregate.streamPrefix + entityId;
    const cached =
      options.fromCache === false
        ? undefined
        : (this.cache.get(streamId) as Loaded<State> | undefined);
    const { state, version, earlier } = cached ?? {
      state: aggregate.initialState,
      version: -1,
      earlier: new Map<string, EarlierOutcome>(),
    };
    let loaded: Loaded<State> = { state, version, earlier };
    try {
      const events: Folded[] = [];
      for await (const recorded of this.store.readStream(streamId, { fromRevision: version + 1 })) {
        events.push({
          event: upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion),
          metadata: recorded.metadata,
          revision: recorded.revision,
          position: recorded.position,
        });
      }
      loaded = foldInto(aggregate, entityId, loaded, events);
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    if (loaded.version >= 0) this.remember(streamId, loaded);
    return loaded;
  }

  private remember(streamId: string, loaded: Loaded<unknown>): void {
    if ((this.cache.get(streamId)?.version ?? -1) > loaded.version) return;
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Current state of another aggregate, for a decision that depends on it. */
  async stateOf<State, E extends DomainEvent>(
    aggregate: Aggregate<State, E>,
    entityId: string | undefined,
  ): Promise<State | undefined> {
    return entityId === undefined ? undefined : (await this.load(aggregate, entityId)).state;
  }

  /**
   * Commands on the same stream take turns within this process, so they do not race each
   * other (a hot measure would otherwise cost a retry per concurrent command); commands on
   * other streams run alongside, and races with other processes are still caught by the
   * expected revision.
   */
  execute<State, E extends DomainEvent>(
    command: CommandExecution<State, E>,
  ): Promise<CommandOutcome | Rejection> {
    const streamId = command.aggregate.streamPrefix + command.entityId;
    const previous = this.turns.get(streamId);
    // A keyed command's repeat is found in the stored outcomes: it waits for what is stored.
    const pipelined = idempotencyScope(command.meta) === undefined;
    let handOver!: (appending: Appending | undefined) => void;
    const handedOver = new Promise<Appending | undefined>((resolve) => (handOver = resolve));
    const outcome = (async () => {
      const before = previous?.finished ?? Promise.resolve();
      const appending = pipelined ? await previous?.handedOver : await before.then(() => undefined);
      return this.decideAndAppend(command, {
        ...(appending ? { appending } : {}),
        before,
        ...(pipelined ? { handOver } : {}),
      });
    })();
    const finished = outcome.then(
      () => handOver(undefined),
      () => handOver(undefined),
    );
    const turn = { handedOver, finished };
    this.turns.set(streamId, turn);
    void finished.then(() => {
      if (this.turns.get(streamId) === turn) this.turns.delete(streamId);
    });
    return outcome;
  }

  private async decideAndAppend<State, E extends DomainEvent>(
    command: CommandExecution<State, E>,
    line: Line,
  ): Promise<CommandOutcome | Rejection> {
    const { aggregate, entityId, meta } = command;
    const streamId = aggregate.streamPrefix + entityId;
    const scope = idempotencyScope(meta);
    const intent =
      scope === undefined ? undefined : intentOf(command.commandName, streamId, command.input);
    // Whose the ids this command reserves are: its key's (a repeat may finish what an
    // interrupted first attempt began), or its own.
    const holder =
      scope === undefined ? `command:${meta.commandId}` : `key:${uuidFrom('holder', scope)}`;
    const held: HeldReservation[] = [];
    let keyRecordedAt: number | undefined;
    let keyIsOurs = false;
    let keyExpected: ExpectedRevision = 'no_stream';
    let settled = false;
    this.stats.commands++;
    if (meta.idempotencyKey !== undefined && !KEY_SHAPE.test(meta.idempotencyKey))
      return invalid(
        'INVALID_IDEMPOTENCY_KEY',
        `An idempotency key is 1 to 200 letters, digits, '.', '_', ':' or '-' (a UUID, say), not '${meta.idempotencyKey.slice(0, 120)}'`,
      );
    await this.ready();
    let appending = line.appending;
    // Decided on a state not yet stored, a refusal stands only once that state is stored.
    const onStoredState = async (): Promise<boolean> => {
      if (!appending) return true;
      const stored = await wasWritten(appending.append);
      appending = undefined;
      if (!stored) await line.before;
      return stored;
    };
    try {
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) this.stats.retries++;
        if (attempt > MAX_ATTEMPTS) return tooMuchContention(streamId);
        const loaded = appending
          ? (appending.loaded as Loaded<State>)
          : await this.load(aggregate, entityId);
        if (scope !== undefined) {
          const first = loaded.earlier.get(scope);
          if (first) {
            settled = true;
            // Events stored before intentions were recorded name at least their command.
            const same =
              first.intent !== undefined
                ? first.intent === intent
                : first.commandName === command.commandName;
            if (!same)
              return keyReused(meta.idempotencyKey!, {
                commandName: first.commandName,
                stream: streamId,
              });
            const { intent: _intent, commandName: _name, ...outcome } = first;
            return { ...outcome, repeated: true };
          }
          if (!keyIsOurs) {
            const standing = await this.keys.standing(scope);
            if (standing.kind === 'used') {
              if (standing.use.intent !== intent)
                return keyReused(meta.idempotencyKey!, standing.use);
              keyIsOurs = true;
            } else keyExpected = standing.expected;
          }
        }
        if (meta.expectedVersion !== undefined && meta.expectedVersion !== loaded.version) {
          if (!(await onStoredState())) continue;
          this.stats.conflicts++;
          return conflict(streamId, meta.expectedVersion, loaded.version);
        }
        const decision = await command.decide(loaded.state);
        if (isRejection(decision)) {
          if (await onStoredState()) return decision;
          continue;
        }
        const claims = decision
          .flatMap((event) => idsCreatedBy(event as unknown as MasterplanDomainEvent))
          .filter((c) => !held.some((h) => h.claim.kind === c.kind && h.claim.id === c.id));
        const misshapen = claims.map((c) => requireId(c.id, `A ${c.kind} id`)).find(Boolean);
        if (misshapen) {
          if (await onStoredState()) return misshapen;
          continue;
        }
        // A taken id refuses the command before anything is written.
        const taken = claims.length > 0 ? await this.ids.refusal(claims, holder) : undefined;
        if (taken) {
          if (await onStoredState()) return taken;
          continue;
        }
        // Reserving the ids and recording the key are independent appends: issued together,
        // they share one commit on the embedded engine.
        const [reserved, recorded] = await Promise.all([
          claims.length > 0
            ? this.ids.reserve(claims, { holder, home: streamId, commandId: meta.commandId })
            : [],
          scope !== undefined && !keyIsOurs
            ? this.keys.record(
                scope,
                {
                  userId: meta.user.userId,
                  key: meta.idempotencyKey!,
                  commandName: command.commandName,
                  stream: streamId,
                  intent: intent!,
                },
                keyExpected,
              )
            : undefined,
        ]);
        if (recorded !== undefined && recorded !== 'raced') {
          keyRecordedAt = recorded.revision;
          keyIsOurs = true;
        }
        if (isRejection(reserved)) {
          if (await onStoredState()) return reserved;
          continue;
        }
        held.push(...reserved);
        // Another request recorded the same key first: look again at what it stands for.
        if (recorded === 'raced') continue;
        const actingFor =
          typeof command.actingFor === 'function'
            ? command.actingFor(loaded.state)
            : command.actingFor;
        const events: NewEvent[] = decision.map((event, index) => ({
          id: scope !== undefined ? uuidFrom('event', streamId, scope, String(index)) : newId(),
          type: event.type,
          data: event.data,
          metadata: eventMetadata(
            meta,
            command.commandName,
            event.type as MasterplanDomainEvent['type'],
            actingFor,
            intent,
          ),
        }));
        const leaves = (position?: Position) =>
          foldInto(aggregate, entityId, loaded, ownEvents(events, loaded.version, position));
        const append = this.store.appendToStream(streamId, events, {
          expectedRevision: loaded.version === -1 ? 'no_stream' : loaded.version,
          ...(appending ? { after: appending.append } : {}),
        });
        const next = line.handOver ? leaves() : undefined;
        if (next) line.handOver?.({ loaded: next, append });
        try {
          const result = await append;
          settled = true;
          // Keyed outcomes in the state name their position, known only now.
          this.remember(streamId, next && scope === undefined ? next : leaves(result.position));
          return {
            streamId,
            entityId,
            version: result.nextExpectedRevision,
            position: result.position,
            events: decision,
            repeated: false,
          };
        } catch (error) {
          if (!(error instanceof WrongExpectedVersion)) throw error;
          // Behind an append that was refused: refused too, decide again on what is stored.
          if (!(await onStoredState())) continue;
          if (meta.expectedVersion !== undefined) {
            this.stats.conflicts++;
            return conflict(
              streamId,
              meta.expectedVersion,
              error.actual === 'no_stream' ? -1 : error.actual,
            );
          }
        }
      }
    } finally {
      // A refused command leaves nothing taken: its reservations and its key are freed.
      if (!settled) {
        await this.ids.release(held, 'the command was refused').catch(() => undefined);
        if (keyRecordedAt !== undefined)
          await this.keys.release(scope!, keyRecordedAt).catch(() => undefined);
      }
    }
  }

  /**
   * Entities created before ids were reserved get their reservations once per store, before
   * the first command of this executor creates anything.
   */
  ready(): Promise<void> {
    this.prepared ??= this.ids.backfill().then(({ reserved, duplicates }) => {
      if (reserved > 0)
        this.logger.log(
          `Reserved the ids of ${reserved} entities created before ids were kept unique`,
        );
      if (duplicates.length > 0)
        this.logger.warn(
          `Ids created more than once before they were kept unique: ${duplicates.join('; ')}`,
        );
    });
    return this.prepared;
  }
}

function tooMuchContention(streamId: string): Rejection {
  return reject(
    'CONFLICT',
    'TOO_MUCH_CONTENTION',
    `'${streamId}' kept changing while the command was decided (${MAX_ATTEMPTS} attempts); try again`,
    { attempts: MAX_ATTEMPTS },
  );
}

function conflict(streamId: string, expected: number, actual: number): Rejection {
  return reject(
    'CONFLICT',
    'VERSION_MISMATCH',
    `'${streamId}' is at version ${actual}, not the expected version ${expected}; reload it and decide again`,
    { expectedVersion: expected, actualVersion: actual },
  );
}

/** The events a command appends, as a load will meet them once stored (JSON, upcast). */
function ownEvents(events: NewEvent[], version: number, position?: Position): Folded[] {
  return events.map((event, i) => {
    const metadata = event.metadata ?? {};
    return {
      event: upcast(event.type, JSON.parse(JSON.stringify(event.data)), metadata.schemaVersion),
      metadata,
      revision: version + 1 + i,
      ...(position !== undefined ? { position } : {}),
    };
  });
}

/** The state after `events`, and the keyed outcomes among them (those need a position). */
function foldInto<State, E extends DomainEvent>(
  aggregate: Aggregate<State, E>,
  entityId: string,
  from: Loaded<State>,
  events: Folded[],
): Loaded<State> {
  const streamId = aggregate.streamPrefix + entityId;
  let { state, version, earlier } = from;
  let copiedEarlier = false;
  for (const { event, metadata, revision, position } of events) {
    state = aggregate.evolve(state, event as E);
    version = revision;
    const scope = metadata.idempotencyKey;
    if (typeof scope !== 'string' || position === undefined) continue;
    if (!copiedEarlier) {
      earlier = new Map(earlier);
      copiedEarlier = true;
    }
    const before = earlier.get(scope);
    const { intent, commandName } = metadata;
    earlier.set(scope, {
      streamId,
      entityId,
      version,
      position,
      events: [...(before?.events ?? []), event],
      commandName: typeof commandName === 'string' ? commandName : 'a command',
      ...(typeof intent === 'string' ? { intent } : {}),
    });
  }
  return { state, version, earlier };
}
