import Database from 'better-sqlite3';
import { splitIntegrity } from '../integrity/chain.js';
import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import type {
  WriteObserver,
  AppendOptions,
  AppendResult,
  CurrentRevision,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  LogStart,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../contract.js';
import { matchesFilter } from '../contract.js';
import {
  EventStoreClosed,
  EventStoreFull,
  InvalidEvent,
  NotAnEventStore,
  UnreadableEvent,
  StreamNotFound,
  WrongExpectedVersion,
} from '../errors.js';
import { assertAppendable, wasWritten } from '../new-events.js';
import {
  SCHEMA,
  markStoreLayout,
  sqlitePosition,
  storeLayoutProblem,
  sqliteRowPosition,
  type EventRow,
  type SqliteDurability,
} from './sqlite-schema.js';
import { ROOM_TO_WRITE, freeBytes } from './disk-space.js';
import { SqliteWriter, type PendingAppend } from './sqlite-writer.js';
import type { WireEvent } from './writer-protocol.js';

export { sqlitePosition, sqliteRowPosition, type SqliteDurability };

export interface SqliteEventStoreOptions {
  file: string;
  durability?: SqliteDurability;
  /** How often a live subscription looks for appends made by another process. */
  pollIntervalMs?: number;
  /** Most appends that share one transaction (group commit). */
  maxGroupSize?: number;
  /**
   * Where groups are committed: `inline` (the default) on this thread, or `thread`, in a
   * writer thread that owns the write connection, so that a commit's fsync never blocks this
   * thread. See docs/event-store.md for what each costs.
   */
  writer?: SqliteWriterMode;
  /** The writer thread's module (tests substitute one that fails). */
  writerUrl?: URL;
  /** Told of each group committed (metrics). */
  observer?: WriteObserver;
  /** Where the store tells an operator that the disk filled up, and that appends are stored again. */
  logger?: { error(message: string): void; log(message: string): void };
}

export type SqliteWriterMode = 'inline' | 'thread';

const PAGE = 512;

/**
 * The embedded engine: one SQLite file in WAL mode. Appends made together are committed in
 * groups (one transaction, one fsync per group; each append keeps its own revision check
 * inside a savepoint, so one append's refusal does not affect the others), on this thread or
 * in a writer thread that owns a write connection of its own (`writer: 'thread'`). Reads and
 * subscriptions use this thread's connection; WAL lets it read while a writer commits.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: SqliteWriter;
  private readonly commits = new EventEmitter();
  private commitCount = 0;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  /** Appends of this store object by the promise it returned, for `after`. */
  private readonly pending = new WeakMap<Promise<AppendResult>, PendingAppend>();
  private readonly pollIntervalMs: number;
  private readonly statements;
  /** Set while appends fail for a full disk: since when, and how many were refused. */
  private full?: { since: Date; refused: number };

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    const problem = isEmpty(this.db) ? undefined : storeLayoutProblem(this.db);
    if (problem) {
      this.db.close();
      throw new NotAnEventStore(options.file, problem);
    }
    this.db.exec(SCHEMA);
    markStoreLayout(this.db);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.commits.setMaxListeners(0);
    this.writer = new SqliteWriter({
      file: options.file,
      durability: options.durability ?? 'FULL',
      maxGroupSize: options.maxGroupSize ?? 256,
      ...(options.writer === 'thread' ? {} : { inline: this.db }),
      // Live subscriptions wake only once the writer's COMMIT returned: what they read is stored.
      onCommit: (group) => {
        options.observer?.committed(group);
        this.commitCount++;
        this.commits.emit('commit');
        if (this.full) {
          this.options.logger?.log(
            `Appends are stored again: space was freed (${this.full.refused} were refused while the disk was full, since ${this.full.since.toISOString()})`,
          );
          this.full = undefined;
        }
      },
      onGroupFailed: (error, appends) => {
        if (!(error instanceof EventStoreFull)) return;
        if (!this.full) {
          this.full = { since: new Date(), refused: 0 };
          // Once per episode: a burst of refused appends is one fault, not one per request.
          this.options.logger?.error(
            `The disk is full: appends to ${this.options.file} are refused and nothing of them is stored (${error.reason}); they are stored again, without a restart, once space is freed`,
          );
        }
        this.full.refused += appends;
      },
      ...(options.writerUrl ? { workerUrl: options.writerUrl } : {}),
    });
    this.statements = {
      currentRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
      ),
      streamForwards: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      streamBackwards: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      allForwards: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
      ),
      allBackwards: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position < ? ORDER BY position DESC LIMIT ?',
      ),
      head: this.db.prepare<[], { position: number | null }>(
        'SELECT MAX(position) AS position FROM events',
      ),
    };
  }

  get file(): string {
    return this.options.file;
  }

  appendToStream(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventStoreClosed());
    let wire: WireEvent[];
    try {
      assertAppendable(stream, events);
      // Serialised here, so that data JSON cannot hold refuses this append alone.
      wire = events.map((event) => ({
        id: event.id,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata ?? {}),
      }));
    } catch (error) {
      return Promise.reject(error);
    }
    const expected = options.expectedRevision ?? 'any';
    const after = options.after && this.pending.get(options.after);
    if (options.after && !after) {
      // Not an append of this store object: wait for it.
      return wasWritten(options.after).then((written) =>
        written
          ? this.appendToStream(stream, events, { expectedRevision: expected })
          : Promise.reject(
              new WrongExpectedVersion(stream, expected, this.currentRevision(stream)),
            ),
      );
    }
    if (after && after.append.stream !== stream) {
      return Promise.reject(new InvalidEvent('An append can only follow one to the same stream'));
    }
    const pending = this.writer.append(stream, expected, wire, after);
    this.pending.set(pending.done, pending);
    return pending.done;
  }

  private currentRevision(stream: string): CurrentRevision {
    return this.statements.currentRevision.get(stream)?.revision ?? 'no_stream';
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    return this.streamRows(stream, options);
  }

  private async *streamRows(
    stream: string,
    options: ReadStreamOptions,
  ): AsyncGenerator<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    let next = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const statement = backwards ? this.statements.streamBackwards : this.statements.streamForwards;
    let first = true;
    while (remaining > 0) {
      this.assertOpen();
      const page = Math.min(PAGE, remaining);
      const rows = statement.all(stream, next, page);
      // Nothing at or before a revision, or from the first: the stream has no events at all.
      const wholeStream = backwards ? next >= 0 : next === 0;
      if (
        first &&
        rows.length === 0 &&
        (wholeStream || this.currentRevision(stream) === 'no_stream')
      ) {
        throw new StreamNotFound(stream);
      }
      first = false;
      for (const row of rows) yield toRecorded(row);
      if (rows.length < page) return;
      remaining -= rows.length;
      next = rows[rows.length - 1]!.revision + (backwards ? -1 : 1);
    }
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    // Resolved now, so that `end` means the end at the time of the call.
    const after = this.rowPositionOf(
      options.fromPosition ?? (backwards ? 'end' : 'start'),
      backwards,
    );
    return this.logRows(after, backwards, options.maxCount ?? Number.POSITIVE_INFINITY);
  }

  private async *logRows(
    after: number,
    backwards: boolean,
    maxCount: number,
  ): AsyncGenerator<RecordedEvent> {
    const statement = backwards ? this.statements.allBackwards : this.statements.allForwards;
    let remaining = maxCount;
    while (remaining > 0) {
      this.assertOpen();
      const page = Math.min(PAGE, remaining);
      const rows = statement.all(after, page);
      for (const row of rows) yield toRecorded(row);
      if (rows.length < page) return;
      remaining -= rows.length;
      after = rows[rows.length - 1]!.position;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const state = {
      after: this.rowPositionOf(options.fromPosition ?? 'start', false),
      closed: false,
    };
    let wake: (() => void) | undefined;
    const onCommit = () => wake?.();
    this.commits.on('commit', onCommit);

    const waitForNews = (seenCommits: number) =>
      new Promise<void>((resolve) => {
        if (state.closed || this.commitCount !== seenCommits) return resolve();
        const timer = setTimeout(done, this.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });

    const close = async () => {
      if (state.closed) return;
      state.closed = true;
      this.commits.off('commit', onCommit);
      this.subscriptions.delete(subscription);
      wake?.();
    };
    const events = this.liveRows(state, options, waitForNews, close);
    const subscription: Subscription = { [Symbol.asyncIterator]: () => events, close };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Catch-up and live are one loop over positions: read a page after the last position seen,
   * and when the log is exhausted wait for a commit (or a poll, for other processes). Since
   * SQLite serialises writers, positions become visible in order and the loop cannot skip one.
   */
  private async *liveRows(
    state: { after: number; closed: boolean },
    options: SubscribeToAllOptions,
    waitForNews: (seenCommits: number) => Promise<void>,
    close: () => Promise<void>,
  ): AsyncGenerator<RecordedEvent> {
    try {
      while (!state.closed && !this.closed) {
        const seenCommits = this.commitCount;
        const rows = this.statements.allForwards.all(state.after, PAGE);
        for (const row of rows) {
          state.after = row.position;
          if (matchesFilter({ streamId: row.stream_id, type: row.type }, options.filter)) {
            yield toRecorded(row);
            if (state.closed) return;
          }
        }
        if (rows.length < PAGE) await waitForNews(seenCommits);
      }
    } finally {
      await close();
    }
  }

  async headPosition(): Promise<LogStart> {
    const head = this.statements.head.get()?.position;
    return head == null ? 'start' : sqlitePosition(head);
  }

  async health(): Promise<EventStoreHealth> {
    if (this.closed) return { engine: 'sqlite', state: 'down', detail: 'closed' };
    const failed = this.writer.failed;
    if (failed) return { engine: 'sqlite', state: 'down', detail: failed.message };
    if (this.full && !this.roomAgain()) {
      return {
        engine: 'sqlite',
        state: 'down',
        detail: `the disk is full: ${this.full.refused} appends refused since ${this.full.since.toISOString()}; they are stored again once space is freed`,
      };
    }
    try {
      const head = this.statements.head.get()?.position ?? 0;
      return {
        engine: 'sqlite',
        state: 'up',
        // Health is public: where the data lives on disk is not (the start-up log says it).
        detail: `WAL, synchronous=${this.options.durability ?? 'FULL'}, ${this.options.writer === 'thread' ? 'writer thread, ' : ''}${head} events`,
      };
    } catch (error) {
      return { engine: 'sqlite', state: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written before the file is released.
    await this.writer.close();
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.db.close();
  }

  /** Whether space was freed since appends failed (the next append that is stored confirms it). */
  private roomAgain(): boolean {
    try {
      return freeBytes(dirname(this.options.file)) >= ROOM_TO_WRITE;
    } catch {
      return false;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosed();
  }

  /** The exclusive row bound a read starts from. */
  private rowPositionOf(from: LogStart, backwards: boolean): number {
    if (from === 'start') return 0;
    if (from === 'end') {
      return backwards ? Number.MAX_SAFE_INTEGER : (this.statements.head.get()?.position ?? 0);
    }
    return sqliteRowPosition(from);
  }
}

/** A file with no tables yet: a store about to be made. */
function isEmpty(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table'").get() === undefined;
}

function toRecorded(row: EventRow): RecordedEvent {
  let data: unknown;
  let stored: EventMetadata;
  try {
    data = JSON.parse(row.data);
    stored = JSON.parse(row.metadata) as EventMetadata;
  } catch (error) {
    throw new UnreadableEvent(
      sqlitePosition(row.position),
      row.event_id,
      row.stream_id,
      row.revision,
      row.type,
      `its data or metadata is not JSON (${(error as Error).message})`,
    );
  }
  const { metadata, integrity } = splitIntegrity(stored);
  return {
    id: row.event_id,
    type: row.type,
    data,
    metadata,
    ...(integrity ? { integrity } : {}),
    streamId: row.stream_id,
    revision: row.revision,
    position: sqlitePosition(row.position),
    recordedAt: new Date(row.recorded_at),
  };
}
