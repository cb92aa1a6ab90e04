import { spawn, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuplicateEventId, SqliteEventStore, WrongExpectedVersion } from '../src/index.js';
import { collect, event, take } from './event-store.conformance.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const runTs = (args: string[]) => ['--import', '@swc-node/register/esm-register', ...args];

describe('SQLite event store, beyond the shared contract', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-sqlite-'));
    file = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append, and nothing half-written, when the process is killed mid-burst', async () => {
    const child = spawn(process.execPath, runTs([fixture('append-burst.ts'), file]), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: Array<{ stream: string; batch: string; ids: string[] }> = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [, stream, batch, ids] = line.split(' ');
          acknowledged.push({ stream: stream!, batch: batch!, ids: ids!.split(',') });
        }
        if (acknowledged.length >= 400 && child.exitCode === null) child.kill('SIGKILL');
      });
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    const store = new SqliteEventStore({ file });
    const all = await collect(store.readAll());
    const stored = new Set(all.map((e) => e.id));
    for (const ack of acknowledged) for (const id of ack.ids) expect(stored.has(id)).toBe(true);

    // Every batch is whole: three parts or none (a batch in flight at the kill may be either).
    const parts = new Map<string, number[]>();
    for (const e of all) {
      const { batch, part } = e.data as { batch: string; part: number };
      parts.set(batch, [...(parts.get(batch) ?? []), part]);
    }
    for (const found of parts.values()) expect(found).toEqual([0, 1, 2]);

    // Every stream's revisions are contiguous from zero.
    const byStream = new Map<string, number[]>();
    for (const e of all)
      byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.revision]);
    for (const revisions of byStream.values())
      expect(revisions).toEqual(revisions.map((_, i) => i));
    await store.close();
  });

  it('group commit: appends in one turn share a transaction but each keeps its own revision check', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('g-1', [event('A')]);
    const [ok1, refused, ok2] = await Promise.allSettled([
      store.appendToStream('g-1', [event('B')], { expectedRevision: 0 }),
      store.appendToStream('g-2', [event('X'), event('Y')], { expectedRevision: 3 }),
      store.appendToStream('g-3', [event('C')], { expectedRevision: 'no_stream' }),
    ]);
    expect(ok1).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(refused).toMatchObject({ status: 'rejected' });
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
    expect(ok2).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
    await expect(collect(store.readStream('g-2'))).rejects.toThrow(/does not exist/);
    await store.close();
  });

  it('refuses an event id already used in another stream', async () => {
    const store = new SqliteEventStore({ file });
    const reused = event('A');
    await store.appendToStream('d-1', [reused]);
    await expect(store.appendToStream('d-2', [reused])).rejects.toBeInstanceOf(DuplicateEventId);
    await store.close();
  });

  it('a live subscription sees appends made by another process on the same file', async () => {
    const store = new SqliteEventStore({ file, pollIntervalMs: 20 });
    await store.appendToStream('local', [event('Local')]);
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['other-'] } });
    const received = take(subscription, 3);
    await promisify(execFile)(
      process.execPath,
      runTs([fixture('append-once.ts'), file, 'other-process', '3']),
    );
    expect((await received).map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    await store.close();
  });

  it('finishes appends already accepted when it is closed', async () => {
    const store = new SqliteEventStore({ file });
    const appends = Array.from({ length: 20 }, (_, i) =>
      store.appendToStream(`c-${i}`, [event('Late')]),
    );
    await store.close();
    await expect(Promise.all(appends)).resolves.toHaveLength(20);
    await expect(store.appendToStream('c-x', [event('TooLate')])).rejects.toThrow(/closed/);
    const reopened = new SqliteEventStore({ file });
    expect(await collect(reopened.readAll())).toHaveLength(20);
    await reopened.close();
  });

  it('survives reopening: revisions and positions continue', async () => {
    const first = new SqliteEventStore({ file });
    const a = await first.appendToStream('s', [event('A')]);
    await first.close();
    const second = new SqliteEventStore({ file });
    const b = await second.appendToStream('s', [{ id: randomUUID(), type: 'B', data: {} }], {
      expectedRevision: 0,
    });
    expect(b.nextExpectedRevision).toBe(1);
    expect(b.position > a.position).toBe(true);
    await second.close();
  });
});
