import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { SqliteEventStore } from '@ml/event-store';
import { figure, now, percentile, sortNumbers, type Figures } from './lib/figures.js';

const event = (n: number) => ({
  id: randomUUID(),
  type: 'MeasureProgressReported',
  data: { measureId: 'm', percentComplete: n % 100, note: 'bench' },
  metadata: { correlationId: randomUUID(), schemaVersion: 1 },
});

/** The naive limit: raw better-sqlite3, one transaction (and one fsync) per append, same schema and durability. */
export function rawNaive(dir: string, count: number): number {
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (stream_id, revision))`);
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const append = db.transaction((i: number) => {
    const e = event(i);
    insert.run(
      e.id,
      `s-${i % 64}`,
      Math.floor(i / 64),
      e.type,
      JSON.stringify(e.data),
      JSON.stringify(e.metadata),
      Date.now(),
    );
  });
  const started = now();
  for (let i = 0; i < count; i++) append(i);
  const rate = count / ((now() - started) / 1000);
  db.close();
  return rate;
}

async function ours(
  dir: string,
  writers: number,
  perWriter: number,
): Promise<{ rate: number; latencies: number[] }> {
  const store = new SqliteEventStore({ file: join(dir, `ours-${writers}.sqlite`) });
  const latencies: number[] = [];
  const started = now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let revision: number | 'no_stream' = 'no_stream';
      for (let i = 0; i < perWriter; i++) {
        const t = now();
        const result = await store.appendToStream(`measure-w${w}`, [event(i)], {
          expectedRevision: revision,
        });
        latencies.push(now() - t);
        revision = result.nextExpectedRevision;
      }
    }),
  );
  const rate = (writers * perWriter) / ((now() - started) / 1000);
  await store.close();
  return { rate, latencies: sortNumbers(latencies) };
}

/**
 * Emmett's SQLite store with 64 concurrent writers. One store object shares one connection
 * and closes it after every call, so overlapping calls fail ("database handle is closed");
 * and 64 store objects (64 connections) deadlock on SQLite's write lock with SQLITE_BUSY,
 * even with a busy timeout, because each append starts a deferred transaction. So the 64
 * writers share one store and its calls are queued one after another: the most concurrency
 * it supports.
 */
async function emmett(dir: string, writers: number, perWriter: number): Promise<number> {
  const store = getSQLiteEventStore({
    fileName: join(dir, 'emmett.sqlite'),
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(call: () => Promise<T>): Promise<T> => {
    const result = queue.then(call);
    queue = result.catch(() => undefined);
    return result;
  };
  const started = now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0n;
      for (let i = 0; i < perWriter; i++) {
        const result = await serialised(() =>
          store.appendToStream(
            `measure-w${w}`,
            [{ type: 'MeasureProgressReported', data: event(i).data }],
            { expectedStreamVersion: version },
          ),
        );
        version = result.nextExpectedStreamVersion;
      }
    }),
  );
  return (writers * perWriter) / ((now() - started) / 1000);
}

export async function appendBenchmarks(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-appends-'));
  try {
    const naive = rawNaive(dir, quick ? 3000 : 20000);
    const single = await ours(dir, 1, quick ? 3000 : 20000);
    const concurrent = await ours(dir, 64, quick ? 150 : 1000);
    const emmettRate = await emmett(dir, 64, quick ? 10 : 40);
    const naiveMs = 1000 / naive;
    return {
      'append.single-writer': figure(
        single.rate,
        'appends/s',
        naive,
        'raw better-sqlite3, 1 tx per append',
        { text: 'ratio ≥ 0.8', met: (f) => f.ratio >= 0.8 },
      ),
      'append.single-writer.p99': figure(
        percentile(single.latencies, 99),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
      'append.64-writers': figure(
        concurrent.rate,
        'appends/s',
        naive,
        'raw better-sqlite3, 1 tx per append',
        { text: 'ratio ≥ 5', met: (f) => f.ratio >= 5 },
      ),
      'append.64-writers.vs-emmett': figure(
        concurrent.rate,
        'appends/s',
        emmettRate,
        'Emmett SQLite store, 64 writers',
        { text: 'ratio ≥ 30', met: (f) => f.ratio >= 30 },
      ),
      'append.64-writers.p50': figure(
        percentile(concurrent.latencies, 50),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
      'append.64-writers.p99': figure(
        percentile(concurrent.latencies, 99),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
