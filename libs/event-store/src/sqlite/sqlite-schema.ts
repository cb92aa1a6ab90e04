import type Database from 'better-sqlite3';
import type { Position } from '../contract.js';

/**
 * How hard SQLite works to keep a commit. `FULL` (the default) syncs the write-ahead log on
 * every commit, so an acknowledged append survives a power loss. `NORMAL` syncs only at
 * checkpoints: an append survives a crash of the process but the last ones can be lost with
 * the machine, in exchange for much faster commits.
 */
export type SqliteDurability = 'FULL' | 'NORMAL' | 'EXTRA';

export const SCHEMA = `
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
 * What marks a SQLite file as our event store (`PRAGMA application_id`, "MLev") and the
 * layout of its tables (`PRAGMA user_version`), so that tools can refuse another program's
 * file or one written by a newer version. Stores made before the marks have both at 0.
 */
export const STORE_APPLICATION_ID = 0x4d4c6576;
export const STORE_LAYOUT = 1;

const COLUMNS = [
  'position',
  'event_id',
  'stream_id',
  'revision',
  'type',
  'data',
  'metadata',
  'recorded_at',
];

/** Why the open file is not an event store this version can use, or `undefined` if it is. */
export function storeLayoutProblem(db: Database.Database): string | undefined {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId !== 0 && applicationId !== STORE_APPLICATION_ID)
    return `it is an SQLite file of another program (application id ${applicationId})`;
  const layout = db.pragma('user_version', { simple: true }) as number;
  if (layout > STORE_LAYOUT)
    return `it was written by a newer version (store layout ${layout}; this version knows layouts up to ${STORE_LAYOUT})`;
  const columns = (db.pragma('table_info(events)') as Array<{ name: string }>).map((c) => c.name);
  if (columns.join() !== COLUMNS.join())
    return columns.length === 0
      ? 'it has no events table'
      : `its events table has other columns (${columns.join(', ')})`;
  return undefined;
}

/** Marks a store (made now or before the marks) with our application id and its layout. */
export function markStoreLayout(db: Database.Database): void {
  if ((db.pragma('application_id', { simple: true }) as number) === 0)
    db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
  if ((db.pragma('user_version', { simple: true }) as number) === 0)
    db.pragma(`user_version = ${STORE_LAYOUT}`);
}

export interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

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
