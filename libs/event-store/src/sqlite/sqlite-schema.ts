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
