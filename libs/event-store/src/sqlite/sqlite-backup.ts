import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { LogStart } from '../contract.js';
import { NotAnEventStore, StoreInUse } from '../errors.js';
import {
  SCHEMA,
  STORE_APPLICATION_ID,
  STORE_LAYOUT,
  markStoreLayout,
  sqlitePosition,
  storeLayoutProblem,
} from './sqlite-schema.js';

/** What a store file holds, once checked. */
export interface StoreFileSummary {
  events: number;
  streams: number;
  /** The position of its last event (`start` when it has none). */
  head: LogStart;
}

/** The most pages sqlite3_backup_step may copy at once: all of them. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the store at `storeFile` into a new file `target`, while a server may be writing
 * to it: the copy is one snapshot of the log (a prefix of it, in order). The copy is made
 * beside `target` and renamed into place once checked, so `target` is never half-written.
 */
export async function backupStore(storeFile: string, target: string): Promise<StoreFileSummary> {
  if (existsSync(target))
    throw new Error(`${target} exists already; name a new file (a backup never overwrites one)`);
  const partial = `${target}.${process.pid}.partial`;
  const source = new Database(storeFile, { fileMustExist: true });
  try {
    const problem = storeLayoutProblem(source);
    if (problem) throw new NotAnEventStore(storeFile, problem);
    // In one step: a backup copied in pieces starts over whenever another process commits
    // between two of them, which under steady writes can be forever. One step reads one
    // snapshot, and WAL lets the server go on committing meanwhile.
    await source.backup(partial, { progress: () => ALL_PAGES });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  try {
    const backup = new Database(partial);
    try {
      // A backup is one self-contained file: no write-ahead log beside it to lose in a copy.
      backup.pragma('journal_mode = DELETE');
      markStoreLayout(backup);
    } finally {
      backup.close();
    }
    const summary = inspectStoreFile(partial);
    syncFile(partial);
    renameSync(partial, target);
    syncFile(dirname(target));
    return summary;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Checks that `file` is an event store this version can read, whole and consistent (SQLite's
 * integrity check, each stream's revisions counting up from zero), and says what it holds.
 */
export function inspectStoreFile(file: string, name = file): StoreFileSummary {
  let db: Database.Database;
  try {
    // Read-write only so that a file in WAL mode opens too; nothing is written.
    db = new Database(file, { fileMustExist: true });
    db.pragma('schema_version');
  } catch (error) {
    throw new NotAnEventStore(name, `SQLite cannot open it (${(error as Error).message})`);
  }
  try {
    const problem = storeLayoutProblem(db);
    if (problem) throw new NotAnEventStore(name, problem);
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok')
      throw new NotAnEventStore(name, `SQLite's integrity check fails: ${integrity}`);
    const gap = db
      .prepare(
        'SELECT stream_id FROM events GROUP BY stream_id HAVING MIN(revision) != 0 OR MAX(revision) != COUNT(*) - 1 LIMIT 1',
      )
      .pluck()
      .get() as string | undefined;
    if (gap !== undefined)
      throw new NotAnEventStore(name, `the revisions of stream '${gap}' do not count up from 0`);
    const counts = db
      .prepare(
        'SELECT COUNT(*) AS events, COUNT(DISTINCT stream_id) AS streams, MAX(position) AS head FROM events',
      )
      .get() as { events: number; streams: number; head: number | null };
    return {
      events: counts.events,
      streams: counts.streams,
      head: counts.head === null ? 'start' : sqlitePosition(counts.head),
    };
  } finally {
    db.close();
  }
}

/**
 * Opens `file` and holds an exclusive lock on it until closed, so that no server can open it
 * meanwhile; refuses with `StoreInUse` when another process has it open. A server holds a
 * lock on its store (and read-model) file for as long as it runs, even when idle, and the
 * operating system drops it when the server dies, so this also tells a crashed server from
 * a running one.
 */
export function openExclusively(file: string): Database.Database {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new StoreInUse(file);
    throw error;
  }
}

/**
 * Replaces the events of the store at `storeFile` (made if missing) with those of the backup
 * at `backup`, in one transaction: a restore that fails or is killed leaves the store as it
 * was. The store stays locked throughout; `beforeCommit` runs inside the transaction, for
 * what must go with the old events (the read models derived from them).
 */
export function restoreStore(
  backup: string,
  storeFile: string,
  beforeCommit: () => void = () => undefined,
): StoreFileSummary {
  if (!existsSync(backup)) throw new Error(`${backup} does not exist`);
  if (existsSync(storeFile) && realpathSync(backup) === realpathSync(storeFile))
    throw new Error(`${backup} is the store itself; restore a backup of it`);
  if (existsSync(`${backup}-wal`) && statSync(`${backup}-wal`).size > 0)
    throw new NotAnEventStore(
      backup,
      'a write-ahead log lies beside it, so it is a live store rather than a backup; make a backup of it with the backup verb',
    );
  const existed = existsSync(storeFile);
  const live = openExclusively(storeFile);
  // Checked and read from a private copy: the operator's file is never touched.
  const copy = `${storeFile}.restoring`;
  let restored = false;
  try {
    const problem = storeLayoutProblem(live);
    if (problem && live.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table'").get())
      throw new NotAnEventStore(storeFile, problem);
    copyFileSync(backup, copy);
    const summary = inspectStoreFile(copy, backup);
    live.pragma('journal_mode = WAL');
    live.exec(SCHEMA);
    live.prepare('ATTACH DATABASE ? AS restored').run(copy);
    try {
      live.transaction(() => {
        live.exec(`DELETE FROM main.events;
          INSERT INTO main.events SELECT * FROM restored.events ORDER BY position;
          DELETE FROM main.sqlite_sequence WHERE name = 'events';
          INSERT INTO main.sqlite_sequence (name, seq)
            SELECT name, seq FROM restored.sqlite_sequence WHERE name = 'events'`);
        live.pragma(`application_id = ${STORE_APPLICATION_ID}`);
        live.pragma(`user_version = ${STORE_LAYOUT}`);
        beforeCommit();
      })();
      restored = true;
    } finally {
      live.exec('DETACH DATABASE restored');
    }
    return summary;
  } finally {
    live.close();
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
    // A store this restore made, and could not fill, is not left behind.
    if (!existed && !restored)
      for (const suffix of ['', '-journal', '-wal', '-shm'])
        rmSync(storeFile + suffix, { force: true });
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
