import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogStart, Position } from '@ml/event-store';

type Params = unknown[];

/**
 * The local SQLite file that holds what is derived from the log: checkpoints of the
 * subscriptions and the read models. Each server instance has its own, also when the
 * events live in EventStoreDB, so instances scale out without sharing it. A scratch one
 * (`ReadStore.scratch()`) is a temporary file, deleted on close.
 */
export class ReadStore {
  readonly db: Database.Database;
  /** Read queries run so far; lets tests prove that a query costs a bounded number of them. */
  queries = 0;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly file: string,
    private readonly deleteOnClose = false,
  ) {
    this.db = new Database(file);
    if (deleteOnClose) {
      // Scratch data, rebuilt from the log whenever needed: no journal, no syncs.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
    } else {
      this.db.pragma('journal_mode = WAL');
    }
    // Read models are rebuilt from the log after a power loss, so commits need not be synced.
    if (!deleteOnClose) this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -32000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'read-models.sqlite');
  }

  static inDataDir(dataDir: string): ReadStore {
    return new ReadStore(ReadStore.fileIn(dataDir));
  }

  /**
   * A read store in a temporary file, deleted on close. A file rather than memory: a past
   * view of a long history can be large, and SQLite keeps only its page cache in memory.
   */
  static scratch(): ReadStore {
    return new ReadStore(join(tmpdir(), `ml-past-view-${randomUUID()}.sqlite`), true);
  }

  /** Replaces the file at `target` with the one at `source` (both closed), with their WAL files. */
  static replace(source: string, target: string): void {
    for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
    renameSync(source, target);
    for (const suffix of ['-wal', '-shm']) if (existsSync(source + suffix)) rmSync(source + suffix);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  run(sql: string, ...params: Params): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  get<T>(sql: string, ...params: Params): T | undefined {
    this.queries++;
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: Params): T[] {
    this.queries++;
    return this.statement(sql).all(...params) as T[];
  }

  checkpoint(name: string): LogStart {
    const row = this.statement('SELECT position FROM checkpoints WHERE name = ?').get(name) as
      { position: string } | undefined;
    return (row?.position as Position | undefined) ?? 'start';
  }

  /** The latest checkpoint saved, whichever it is ('start' when none). */
  lastCheckpoint(): LogStart {
    const row = this.statement('SELECT max(position) AS position FROM checkpoints').get() as
      { position: string | null } | undefined;
    return (row?.position as Position | null | undefined) ?? 'start';
  }

  /** Saves a checkpoint; inside `transaction` it commits together with the read-model change. */
  saveCheckpoint(name: string, position: Position): void {
    this.run(
      `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      name,
      position,
      Date.now(),
    );
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.deleteOnClose) rmSync(this.file, { force: true });
  }

  /** Nest calls this after the subscriptions stopped (they stop before shutdown). */
  onApplicationShutdown(): void {
    this.close();
  }
}
