import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { LogStart, Position } from '@ml/event-store';

/**
 * The local SQLite file that holds what is derived from the log: checkpoints of the
 * subscriptions and the read models. Each server instance has its own, also when the
 * events live in EventStoreDB, so instances scale out without sharing it.
 */
export class ReadStore {
  readonly db: Database.Database;
  private readonly getCheckpoint;
  private readonly putCheckpoint;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Read models are rebuilt from the log after a power loss, so commits need not be synced.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.getCheckpoint = this.db.prepare<[string], { position: string }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    this.putCheckpoint = this.db.prepare(
      `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
  }

  static inDataDir(dataDir: string): ReadStore {
    return new ReadStore(join(dataDir, 'read-models.sqlite'));
  }

  checkpoint(name: string): LogStart {
    return (this.getCheckpoint.get(name)?.position as Position | undefined) ?? 'start';
  }

  /** Saves a checkpoint; inside `transaction` it commits together with the read-model change. */
  saveCheckpoint(name: string, position: Position): void {
    this.putCheckpoint.run(name, position, Date.now());
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Nest calls this after the subscriptions stopped (they stop before shutdown). */
  onApplicationShutdown(): void {
    this.close();
  }
}
