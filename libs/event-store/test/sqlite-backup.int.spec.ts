import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  NotAnEventStore,
  SqliteEventStore,
  StoreInUse,
  backupStore,
  inspectStoreFile,
  restoreStore,
  type RecordedEvent,
} from '../src/index.js';
import { collect, event } from './event-store.conformance.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const runTs = (args: string[]) => ['--import', '@swc-node/register/esm-register', ...args];

async function storeWith(file: string, streams: Record<string, number>): Promise<void> {
  const store = new SqliteEventStore({ file, durability: 'NORMAL' });
  for (const [stream, count] of Object.entries(streams))
    for (let i = 0; i < count; i++) await store.appendToStream(stream, [event('E', { i })]);
  await store.close();
}

async function eventsOf(file: string): Promise<RecordedEvent[]> {
  const store = new SqliteEventStore({ file });
  try {
    return await collect(store.readAll());
  } finally {
    await store.close();
  }
}

describe('backup and restore of the SQLite store file', () => {
  let dir: string;
  let live: string;
  let backup: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-backup-'));
    live = join(dir, 'events.sqlite');
    backup = join(dir, 'backup.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a backup holds the store as it was, in one file, and says what it holds', async () => {
    await storeWith(live, { a: 3, b: 2 });
    const summary = await backupStore(live, backup);
    expect(summary).toEqual({ events: 5, streams: 2, head: '0000000000000005' });
    expect(await eventsOf(backup)).toEqual(await eventsOf(live));
    expect(readdirSync(dir).sort()).toEqual(['backup.sqlite', 'events.sqlite']);
    await expect(backupStore(live, backup)).rejects.toThrow(/exists already/);
  });

  it('backs up an open store with appends pending, and leaves nothing behind when the source is not a store', async () => {
    await storeWith(live, { a: 2 });
    const store = new SqliteEventStore({ file: live });
    const appends = Array.from({ length: 50 }, (_, i) =>
      store.appendToStream(`s-${i}`, [event('E')]),
    );
    const summary = await backupStore(live, backup);
    await Promise.all(appends);
    const all = await collect(store.readAll());
    expect(all.slice(0, summary.events)).toEqual(await eventsOf(backup));
    await store.close();

    const other = join(dir, 'other.sqlite');
    const otherDb = new Database(other);
    otherDb.exec('CREATE TABLE t (x)');
    otherDb.close();
    await expect(backupStore(other, join(dir, 'b2.sqlite'))).rejects.toBeInstanceOf(
      NotAnEventStore,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('b2'))).toEqual([]);
  });

  it('restores a backup in place of other events; positions and revisions go on from the restored ones', async () => {
    await storeWith(backup, { a: 3, b: 1 });
    await storeWith(live, { x: 10 });
    const summary = restoreStore(backup, live);
    expect(summary).toMatchObject({ events: 4, streams: 2 });
    expect(await eventsOf(live)).toEqual(await eventsOf(backup));

    const store = new SqliteEventStore({ file: live });
    const next = await store.appendToStream('a', [event('Next')], { expectedRevision: 2 });
    expect(next).toEqual({ nextExpectedRevision: 3, position: '0000000000000005' });
    await store.close();
  });

  it('restores into a directory without a store', async () => {
    await storeWith(backup, { a: 2 });
    const target = join(mkdtempSync(join(dir, 'new-')), 'events.sqlite');
    expect(existsSync(target)).toBe(false);
    const notAStore = join(dir, 'notes.txt');
    writeFileSync(notAStore, 'not a database');
    expect(() => restoreStore(notAStore, target)).toThrow(NotAnEventStore);
    expect(existsSync(target)).toBe(false);
    restoreStore(backup, target);
    expect(await eventsOf(target)).toEqual(await eventsOf(backup));
  });

  it('a restore killed inside its transaction leaves the store as it was', async () => {
    await storeWith(backup, { a: 200 });
    await storeWith(live, { x: 7 });
    const before = await eventsOf(live);
    const child = spawn(process.execPath, runTs([fixture('restore-then-wait.ts'), backup, live]), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('inside the transaction')) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(await eventsOf(live)).toEqual(before);
    expect(inspectStoreFile(live)).toMatchObject({ events: 7, streams: 1 });
  });

  it('refuses while another connection has the store open, without changing it', async () => {
    await storeWith(backup, { a: 1 });
    await storeWith(live, { x: 2 });
    const open = new SqliteEventStore({ file: live });
    expect(() => restoreStore(backup, live)).toThrow(StoreInUse);
    await open.close();
    expect(await eventsOf(live)).toHaveLength(2);
  });

  it('refuses files that are not a whole event store of this version', async () => {
    await storeWith(live, { x: 1 });
    const refusals: Array<[string, (db: Database.Database) => void, RegExp]> = [
      [
        'gap.sqlite',
        (db) => db.exec('UPDATE events SET revision = 5 WHERE revision = 1'),
        /stream 'a' do not count up from 0/,
      ],
      ['newer.sqlite', (db) => db.pragma('user_version = 2'), /newer version \(store layout 2/],
      [
        'foreign.sqlite',
        (db) => db.pragma('application_id = 7'),
        /another program \(application id 7\)/,
      ],
    ];
    for (const [name, spoil, message] of refusals) {
      const file = join(dir, name);
      await storeWith(file, { a: 3 });
      const db = new Database(file);
      spoil(db);
      db.close();
      expect(() => restoreStore(file, live)).toThrow(message);
      expect(() => restoreStore(file, live)).toThrow(NotAnEventStore);
    }
    expect(await eventsOf(live)).toHaveLength(1);
    expect(() => restoreStore(live, live)).toThrow(/is the store itself/);
  });

  it('the store refuses to open a file of a newer layout or of another program', async () => {
    await storeWith(live, { x: 1 });
    const db = new Database(live);
    db.pragma('user_version = 2');
    db.close();
    expect(() => new SqliteEventStore({ file: live })).toThrow(
      /not an event store this version can use: it was written by a newer version/,
    );
    const other = join(dir, 'other.sqlite');
    const otherDb = new Database(other);
    otherDb.exec('CREATE TABLE notes (text TEXT)');
    otherDb.close();
    expect(() => new SqliteEventStore({ file: other })).toThrow(/it has no events table/);
  });

  it('marks a store made before stores were marked when it opens it', async () => {
    await storeWith(live, { x: 1 });
    const db = new Database(live);
    db.pragma('application_id = 0');
    db.pragma('user_version = 0');
    db.close();
    await eventsOf(live);
    const marked = new Database(live, { readonly: true });
    expect(marked.pragma('application_id', { simple: true })).toBe(0x4d4c6576);
    expect(marked.pragma('user_version', { simple: true })).toBe(1);
    marked.close();
  });
});
