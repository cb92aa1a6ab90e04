import Database from 'better-sqlite3';
import type { CurrentRevision } from '../contract.js';
import { DuplicateEventId, WrongExpectedVersion, isDiskFull } from '../errors.js';
import { SCHEMA } from './sqlite-schema.js';
import { revisionMatches } from '../new-events.js';
import {
  CHAIN_START,
  INTEGRITY_KEY,
  contentHash,
  link,
  type EventIntegrity,
} from '../integrity/chain.js';
import {
  toWireError,
  type FromWriter,
  type WireAppend,
  type WireOutcome,
  type WriterSettings,
} from './writer-protocol.js';

/**
 * Groups whose outcomes an append may depend on: the main thread names a predecessor only
 * while its group is on its way (see `MAX_GROUPS_IN_FLIGHT`), so a few suffice.
 */
const RECENT_GROUPS = 8;

interface StoredEvent {
  stream_id: string;
  revision: number;
  position: number;
}

/**
 * The write side of the embedded engine, owned by the writer thread: a group of appends is
 * one `BEGIN IMMEDIATE … COMMIT` (one fsync), each append with its own revision check, and
 * an append of several events inside a savepoint, so one append's refusal leaves the others
 * alone.
 */
export class GroupCommitter {
  private readonly statements;
  /** The latest groups, newest first: their first append's number and those refused. */
  private readonly recent: Array<{ first: number; refused: Set<number> }> = [];
  /** The log link of the last event written in the open transaction. */
  private logLink = CHAIN_START;

  /** Opens the write connection the writer thread owns. */
  static open(settings: WriterSettings): GroupCommitter {
    const db = new Database(settings.file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${settings.durability}`);
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new GroupCommitter(db);
  }

  /** Writes with `db`, a connection in WAL mode with the events table. */
  constructor(private readonly db: Database.Database) {
    // Checkpoint the WAL every ~16 MB rather than every 4 MB: fewer fsyncs of the main file under load.
    this.db.pragma('wal_autocheckpoint = 4000');
    this.statements = {
      lastOfStream: this.db.prepare<[string], { revision: number; link: string | null }>(
        `SELECT revision, json_extract(metadata, '$.integrity.stream') AS link FROM events
         WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`,
      ),
      lastLogLink: this.db.prepare<[], { link: string | null }>(
        "SELECT json_extract(metadata, '$.integrity.log') AS link FROM events ORDER BY position DESC LIMIT 1",
      ),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      byEventId: this.db.prepare<[string], StoredEvent>(
        'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
      ),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT append'),
      release: this.db.prepare('RELEASE append'),
      rollbackTo: this.db.prepare('ROLLBACK TO append'),
    };
  }

  /**
   * Writes the group in one transaction; one outcome per append, in order. Throws (and
   * stores nothing) when the transaction itself cannot be begun or committed, or the disk
   * is full.
   */
  commit(group: WireAppend[]): WireOutcome[] {
    const outcomes: WireOutcome[] = [];
    // A group's appends are numbered in order: its first number and those refused say it all.
    const refused = new Set<number>();
    this.recent.unshift({ first: group[0]?.seq ?? Infinity, refused });
    if (this.recent.length > RECENT_GROUPS) this.recent.pop();
    try {
      this.statements.begin.run();
      const recordedAt = Date.now();
      // Read inside the write lock: another process writing the same file moves it too.
      this.logLink = this.statements.lastLogLink.get()?.link ?? CHAIN_START;
      for (const append of group) {
        const logLinkBefore = this.logLink;
        // One INSERT is atomic by itself; only an append of several events needs a
        // savepoint to be undone alone if a later insert of it fails.
        const partial = append.events.length > 1;
        if (partial) this.statements.savepoint.run();
        try {
          outcomes.push(
            this.appendInTransaction(append, recordedAt, this.wasWritten(append.after)),
          );
          if (partial) this.statements.release.run();
        } catch (error) {
          // A full disk fails the group as one. SQLite may even have rolled the whole
          // transaction back by itself (it may on a full disk or an I/O error): the appends
          // before this one are gone, and those after would each commit on their own.
          if (isDiskFull(error) || !this.db.inTransaction) throw error;
          if (partial) {
            this.statements.rollbackTo.run();
            this.statements.release.run();
          }
          this.logLink = logLinkBefore;
          outcomes.push({ ok: false, error: toWireError(error) });
          refused.add(append.seq);
        }
      }
      this.statements.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.statements.rollback.run();
      for (const append of group) refused.add(append.seq);
      throw error;
    }
    return outcomes;
  }

  /** Whether the append `seq` (of this group, before, or a recent one) was written; true for none. */
  private wasWritten(seq: number | undefined): boolean {
    if (seq === undefined) return true;
    const group = this.recent.find((g) => seq >= g.first);
    return group !== undefined && !group.refused.has(seq);
  }

  /** The answer to a group: its outcomes, or why the whole group failed. */
  answer(id: number, appends: WireAppend[]): FromWriter {
    try {
      return { type: 'committed', id, outcomes: this.commit(appends) };
    } catch (error) {
      return { type: 'failed', id, error: toWireError(error) };
    }
  }

  close(): void {
    this.db.close();
  }

  private appendInTransaction(
    append: WireAppend,
    recordedAt: number,
    predecessorWritten: boolean,
  ): WireOutcome {
    const { stream, events, expected } = append;
    const last = this.statements.lastOfStream.get(stream);
    const current: CurrentRevision = last?.revision ?? 'no_stream';
    // An event written before the chain existed: its stream's chain starts after it.
    let streamLink = last?.link ?? CHAIN_START;
    if (!predecessorWritten) throw new WrongExpectedVersion(stream, expected, current);
    if (!revisionMatches(expected, current)) {
      const repeated = this.repeatedAppend(append, current);
      if (repeated) return repeated;
      throw new WrongExpectedVersion(stream, expected, current);
    }
    let revision = current === 'no_stream' ? -1 : current;
    let position = 0;
    for (const event of events) {
      revision++;
      const content = contentHash({
        id: event.id,
        streamId: stream,
        revision,
        type: event.type,
        data: JSON.parse(event.data),
        metadata: JSON.parse(event.metadata) as Record<string, unknown>,
      });
      streamLink = link(streamLink, content);
      this.logLink = link(this.logLink, content);
      const integrity: EventIntegrity = { stream: streamLink, log: this.logLink };
      try {
        const info = this.statements.insert.run(
          event.id.toLowerCase(),
          stream,
          revision,
          event.type,
          event.data,
          withIntegrity(event.metadata, integrity),
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
    return { ok: true, nextExpectedRevision: revision, position };
  }

  /**
   * Idempotency: when this exact append (same ids, same stream, same starting revision) was
   * already stored, answer with its first result instead of writing again.
   */
  private repeatedAppend(append: WireAppend, current: CurrentRevision): WireOutcome | undefined {
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
    return { ok: true, nextExpectedRevision: last.revision, position: last.position };
  }
}

/** Metadata as JSON text with the event's links added under the reserved key. */
function withIntegrity(metadata: string, integrity: EventIntegrity): string {
  const links = `"${INTEGRITY_KEY}":${JSON.stringify(integrity)}`;
  return metadata === '{}' ? `{${links}}` : `${metadata.slice(0, -1)},${links}}`;
}

/** Duck-typed: better-sqlite3's errors may come from another realm (e.g. under jest's vm). */
function isUniqueViolation(error: unknown, column: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column)
  );
}
