import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type {
  AppendOptions,
  AppendResult,
  CurrentRevision,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  ExpectedRevision,
  LogStart,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../contract.js';
import { matchesFilter } from '../contract.js';
import {
  DuplicateEventId,
  EventStoreClosed,
  StreamNotFound,
  WrongExpectedVersion,
} from '../errors.js';
import { assertAppendable } from '../new-events.js';

/**
 * How hard SQLite works to keep a commit. `FULL` (the default) syncs the write-ahead log on
 * every commit, so an acknowledged append survives a power loss. `NORMAL` syncs only at
 * checkpoints: an append survives a crash of the process but the last ones can be lost with
 * the machine, in exchange for much faster commits.
 */
export type SqliteDurability = 'FULL' | 'NORMAL' | 'EXTRA';

export interface SqliteEventStoreOptions {
  file: string;
  durability?: SqliteDurability;
  /** How often a live subscription looks for appends made by another process. */
  pollIntervalMs?: number;
  /** Most appends that share one transaction (group commit). */
  maxGroupSize?: number;
}

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

interface PendingAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

const PAGE = 512;
const POSITION_DIGITS = 16;

export function sqlitePosition(rowPosition: number): Position {
  return String(rowPosition).padStart(POSITION_DIGITS, '0') as Position;
}

export function sqliteRowPosition(position: Position): number {
  const n = Number(position);
  if (!/^\d+$/.test(position) || !Number.isSafeInteger(n)) {
    throw new Error(`'${position}' is not a position of the SQLite event store`);
  }
  return n;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL UNIQUE,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;

/**
 * The embedded engine: one SQLite file in WAL mode. Appends that arrive in the same turn
 * of the event loop share one transaction and one fsync (group commit); each keeps its own
 * revision check inside a savepoint, so one append's refusal does not affect the others.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly commits = new EventEmitter();
  private commitCount = 0;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollIntervalMs: number;
  private readonly maxGroupSize: number;
  private readonly statements;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL every ~16 MB rather than every 4 MB: fewer fsyncs of the main file under load.
    this.db.pragma('wal_autocheckpoint = 4000');
    this.db.exec(SCHEMA);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.maxGroupSize = options.maxGroupSize ?? 256;
    this.commits.setMaxListeners(0);
    this.statements = {
      currentRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      byEventId: this.db.prepare<
        [string],
        { stream_id: string; revision: number; position: number }
      >('SELECT stream_id, revision, position FROM events WHERE event_id = ?'),
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
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT append'),
      release: this.db.prepare('RELEASE append'),
      rollbackTo: this.db.prepare('ROLLBACK TO append'),
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
    try {
      assertAppendable(stream, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        stream,
        events,
        expected: options.expectedRevision ?? 'any',
        resolve,
        reject,
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushing = this.flushing.then(() => this.flush());
        });
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroupSize);
      const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> =
        [];
      try {
        this.statements.begin.run();
        const recordedAt = Date.now();
        for (const append of group) {
          // One INSERT is atomic by itself; only an append of several events needs a
          // savepoint to be undone alone if a later insert of it fails.
          const partial = append.events.length > 1;
          if (partial) this.statements.savepoint.run();
          try {
            outcomes.push({ ok: true, result: this.appendInTransaction(append, recordedAt) });
            if (partial) this.statements.release.run();
          } catch (error) {
            if (partial) {
              this.statements.rollbackTo.run();
              this.statements.release.run();
            }
            outcomes.push({ ok: false, error });
          }
        }
        this.statements.commit.run();
      } catch (error) {
        if (this.db.inTransaction) this.statements.rollback.run();
        for (const append of group) append.reject(error);
        continue;
      }
      this.commitCount++;
      this.commits.emit('commit');
      group.forEach((append, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) append.resolve(outcome.result);
        else append.reject(outcome.error);
      });
    }
    this.flushScheduled = false;
  }

  private appendInTransaction(append: PendingAppend, recordedAt: number): AppendResult {
    const { stream, events, expected } = append;
    const current: CurrentRevision =
      this.statements.currentRevision.get(stream)?.revision ?? 'no_stream';
    if (!revisionMatches(expected, current)) {
      const repeated = this.repeatedAppend(append, current);
      if (repeated) return repeated;
      throw new WrongExpectedVersion(stream, expected, current);
    }
    let revision = current === 'no_stream' ? -1 : current;
    let position = 0;
    for (const event of events) {
      revision++;
      try {
        const info = this.statements.insert.run(
          event.id.toLowerCase(),
          stream,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata ?? {}),
          recordedAt,
        );
        position = Number(info.lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error, 'events.event_id')) {
          const repeated = this.repeatedAppend(append, current);
          if (repeated) return repeated;
          const stored = this.statements.byEventId.get(event.id.toLowerCase());
          throw new DuplicateEventId(event.id, stored?.stream_id ?? stream);
        }
        throw error;
      }
    }
    return { nextExpectedRevision: revision, position: sqlitePosition(position) };
  }

  /**
   * Idempotency: when this exact append (same ids, same stream, same starting revision) was
   * already stored, answer with its first result instead of writing again.
   */
  private repeatedAppend(
    append: PendingAppend,
    current: CurrentRevision,
  ): AppendResult | undefined {
    const stored = append.events.map((e) => this.statements.byEventId.get(e.id.toLowerCase()));
    const first = stored[0];
    if (!first) return undefined;
    const sameWrite = stored.every(
      (row, i) =>
        row !== undefined && row.stream_id === append.stream && row.revision === first.revision + i,
    );
    if (!sameWrite) {
      const other = stored.find((row) => row && row.stream_id !== append.stream);
      if (other) throw new DuplicateEventId(append.events[0]!.id, other.stream_id);
      throw new WrongExpectedVersion(append.stream, append.expected, current);
    }
    const expected = append.expected;
    const startedRight =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && first.revision === 0) ||
      (typeof expected === 'number' && first.revision === expected + 1);
    if (!startedRight) throw new WrongExpectedVersion(append.stream, expected, current);
    const last = stored[stored.length - 1]!;
    return { nextExpectedRevision: last.revision, position: sqlitePosition(last.position) };
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
      if (
        first &&
        rows.length === 0 &&
        this.statements.currentRevision.get(stream)?.revision == null
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
    try {
      const head = this.statements.head.get()?.position ?? 0;
      return {
        engine: 'sqlite',
        state: 'up',
        // Health is public: where the data lives on disk is not (the start-up log says it).
        detail: `WAL, synchronous=${this.options.durability ?? 'FULL'}, ${head} events`,
      };
    } catch (error) {
      return { engine: 'sqlite', state: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written before the file is released.
    while (this.flushScheduled || this.queue.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.flushing;
    }
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.db.close();
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

function revisionMatches(expected: ExpectedRevision, current: CurrentRevision): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    default:
      return current === expected;
  }
}

/** Duck-typed: better-sqlite3's errors may come from another realm (e.g. under jest's vm). */
function isUniqueViolation(error: unknown, column: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column)
  );
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata) as EventMetadata,
    streamId: row.stream_id,
    revision: row.revision,
    position: sqlitePosition(row.position),
    recordedAt: new Date(row.recorded_at),
  };
}
