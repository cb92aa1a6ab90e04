import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type {
  AppendOptions,
  AppendResult,
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
import { EventStoreClosed, StreamNotFound } from '../errors.js';
import { assertAppendable } from '../new-events.js';
import {
  SCHEMA,
  sqlitePosition,
  sqliteRowPosition,
  type EventRow,
  type SqliteDurability,
} from './sqlite-schema.js';
import { SqliteWriter } from './sqlite-writer.js';
import type { WireEvent } from './writer-protocol.js';

export { sqlitePosition, sqliteRowPosition, type SqliteDurability };

export interface SqliteEventStoreOptions {
  file: string;
  durability?: SqliteDurability;
  /** How often a live subscription looks for appends made by another process. */
  pollIntervalMs?: number;
  /** Most appends that share one transaction (group commit). */
  maxGroupSize?: number;
  /** The writer thread's module (tests substitute one that fails). */
  writerUrl?: URL;
}

const PAGE = 512;

/**
 * The embedded engine: one SQLite file in WAL mode. Appends go to a writer thread that owns
 * the write connection and commits them in groups (one transaction, one fsync per group; each
 * append keeps its own revision check inside a savepoint, so one append's refusal does not
 * affect the others). This thread keeps a read connection of its own for reads and
 * subscriptions; WAL lets it read while the writer commits.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: SqliteWriter;
  private readonly commits = new EventEmitter();
  private commitCount = 0;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollIntervalMs: number;
  private readonly statements;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.commits.setMaxListeners(0);
    this.writer = new SqliteWriter({
      file: options.file,
      durability: options.durability ?? 'FULL',
      maxGroupSize: options.maxGroupSize ?? 256,
      // Live subscriptions wake only once the writer's COMMIT returned: what they read is stored.
      onCommit: () => {
        this.commitCount++;
        this.commits.emit('commit');
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

  async appendToStream(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) throw new EventStoreClosed();
    assertAppendable(stream, events);
    // Serialised here, so that data JSON cannot hold refuses this append alone.
    const wire: WireEvent[] = events.map((event) => ({
      id: event.id,
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata ?? {}),
    }));
    const { nextExpectedRevision, position } = await this.writer.append({
      stream,
      expected: options.expectedRevision ?? 'any',
      events: wire,
    });
    return { nextExpectedRevision, position: sqlitePosition(position) };
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
    const failed = this.writer.failed;
    if (failed) return { engine: 'sqlite', state: 'down', detail: failed.message };
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
    await this.writer.close();
    if (this.closed) return;
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
