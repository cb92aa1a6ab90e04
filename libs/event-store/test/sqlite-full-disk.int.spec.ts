import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreFull, isDiskFull } from '../src/index.js';
import { GroupCommitter } from '../src/sqlite/group-commit.js';
import { SCHEMA } from '../src/sqlite/sqlite-schema.js';
import { fromWireError, type WireAppend } from '../src/sqlite/writer-protocol.js';

/**
 * A full disk, as SQLite meets it: `max_page_count` makes the file full at a size we choose
 * (SQLITE_FULL, as from a full file system), on any machine. The server on a real full file
 * system is tested end to end (test/disk-full.e2e.spec.ts).
 */
describe('the group commit on a full disk', () => {
  let dir: string;
  let db: Database.Database;
  let committer: GroupCommitter;
  let seq = 0;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-full-'));
    db = new Database(join(dir, 'events.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    committer = new GroupCommitter(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (stream: string, ...sizes: number[]): WireAppend => ({
    seq: ++seq,
    stream,
    expected: 'any',
    events: sizes.map((size) => ({
      id: randomUUID(),
      type: 'Written',
      data: JSON.stringify('x'.repeat(size)),
      metadata: '{}',
    })),
  });
  const streams = () =>
    db
      .prepare<[], { stream_id: string }>('SELECT stream_id FROM events ORDER BY position')
      .all()
      .map((row) => row.stream_id);
  const fullAt = (pages: number) => db.pragma(`max_page_count = ${pages}`);
  const pages = () => Number(db.pragma('page_count', { simple: true }));

  it('fails as one when SQLite rolls the whole transaction back: nothing of the group is stored, not even the appends after the one that met it', () => {
    // A small page cache spills the big event to the file in the middle of the transaction,
    // where SQLite meets the full file and rolls the whole transaction back by itself.
    db.pragma('cache_size = 5');
    fullAt(pages() + 10);
    const group = [append('small-before', 10), append('big', 100_000), append('small-after', 10)];
    let thrown: unknown;
    try {
      committer.commit(group);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'SQLITE_FULL' });
    expect(isDiskFull(thrown)).toBe(true);
    expect(db.inTransaction).toBe(false);
    expect(streams()).toEqual([]);
    // The whole group is answered with the event store's error: the class the contract names.
    const answer = committer.answer(1, [append('small-again', 10), append('big-again', 100_000)]);
    expect(answer.type).toBe('failed');
    const error = answer.type === 'failed' ? fromWireError(answer.error) : undefined;
    expect(error).toBeInstanceOf(EventStoreFull);
    expect(error).toMatchObject({
      code: 'EVENT_STORE_FULL',
      message: expect.stringMatching(/disk is full .*not stored/),
    });
  });

  it('fails as one where SQLite undoes only the statement that met it, and stores the next group whole once there is room', () => {
    committer.commit([append('first', 10)]);
    fullAt(pages());
    const group = [append('a', 10), append('b', 5_000, 5_000), append('c', 10)];
    expect(() => committer.commit(group)).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
    expect(db.inTransaction).toBe(false);
    expect(streams()).toEqual(['first']);

    fullAt(pages() + 1000);
    const outcomes = committer.commit([append('a', 10), append('b', 5_000, 5_000)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(streams()).toEqual(['first', 'a', 'b', 'b']);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses an append behind one of a failed group (its predecessor was not written)', () => {
    fullAt(pages());
    const first = append('chain', 5_000);
    expect(() => committer.commit([first])).toThrow(
      expect.objectContaining({ code: 'SQLITE_FULL' }),
    );
    fullAt(pages() + 1000);
    const [behind] = committer.commit([{ ...append('chain', 10), after: first.seq }]);
    expect(behind).toMatchObject({ ok: false, error: { kind: 'WrongExpectedVersion' } });
    expect(streams()).toEqual([]);
  });
});
