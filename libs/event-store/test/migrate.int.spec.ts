import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreClosed,
  MigrationFailed,
  SqliteEventStore,
  migrateEvents,
  verifyMigration,
  type EventStore,
  type RecordedEvent,
} from '../src/index.js';
import { collect, event } from './event-store.conformance.js';

/**
 * Migration works on the event-store contract, so it is tested here between two real SQLite
 * files; into EventStoreDB it is the same code with the other adapter, whose conformance to
 * the contract its own suite checks against a real server.
 */
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const runTs = (args: string[]) => ['--import', '@swc-node/register/esm-register', ...args];

/** Appends `appends` batches of 1–3 events to streams picked by a fixed sequence, many at once. */
async function fill(store: EventStore, appends: number, streams = 40): Promise<void> {
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  for (let i = 0; i < appends; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, appends - i) }, (_, j) =>
        store.appendToStream(
          `stream-${next() % streams}`,
          Array.from({ length: 1 + (next() % 3) }, (_, k) =>
            event(
              `Happened${k}`,
              { n: i + j, text: 'ä'.repeat(next() % 20), list: [1, null, { deep: true }] },
              {
                correlationId: randomUUID(),
                actor: { userId: `u-${j}`, roles: [] },
                occurredAt: '2026-01-02T03:04:05.000Z',
              },
            ),
          ),
        ),
      ),
    );
  }
}

const withoutEngineFields = (events: RecordedEvent[]) =>
  events.map(({ id, streamId, revision, type, data, metadata }) => ({
    id,
    streamId,
    revision,
    type,
    data,
    metadata,
  }));

describe('migrating a store through the contract', () => {
  let dir: string;
  let sourceFile: string;
  let targetFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-migrate-'));
    sourceFile = join(dir, 'source.sqlite');
    targetFile = join(dir, 'target.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every event in the same order with the same ids, data and metadata, and verifies the copy', async () => {
    const source = new SqliteEventStore({ file: sourceFile, durability: 'NORMAL' });
    await fill(source, 300);
    const target = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    const progress: number[] = [];
    const report = await migrateEvents(source, target, ({ done }) => progress.push(done));
    const all = await collect(source.readAll());
    expect(report).toEqual({ total: all.length, alreadyThere: 0, upTo: all.at(-1)!.position });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(all.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(withoutEngineFields(await collect(target.readAll()))).toEqual(withoutEngineFields(all));
    expect(await verifyMigration(source, target, report.upTo)).toEqual({
      events: all.length,
      streams: new Set(all.map((e) => e.streamId)).size,
    });

    // Run again: nothing to do, nothing written twice.
    expect(await migrateEvents(source, target)).toMatchObject({ alreadyThere: all.length });
    expect(await collect(target.readAll())).toHaveLength(all.length);
    await Promise.all([source.close(), target.close()]);
  });

  it('killed part-way, a second run continues where the first stopped, never writing an event twice', async () => {
    const source = new SqliteEventStore({ file: sourceFile, durability: 'NORMAL' });
    await fill(source, 3000);
    const all = await collect(source.readAll());
    const child = spawn(
      process.execPath,
      runTs([fixture('migrate-between-files.ts'), sourceFile, targetFile]),
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let reported = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n'))
          if (line.startsWith('progress ')) reported = Number(line.split(' ')[1]);
        if (reported >= 1000 && child.exitCode === null) child.kill('SIGKILL');
      });
    });
    expect(child.signalCode).toBe('SIGKILL');

    const target = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    const copied = await collect(target.readAll());
    expect(copied.length).toBeGreaterThanOrEqual(reported);
    expect(copied.length).toBeLessThan(all.length);
    expect(withoutEngineFields(copied)).toEqual(withoutEngineFields(all.slice(0, copied.length)));

    const report = await migrateEvents(source, target);
    expect(report).toMatchObject({ total: all.length, alreadyThere: copied.length });
    expect(withoutEngineFields(await collect(target.readAll()))).toEqual(withoutEngineFields(all));
    await expect(verifyMigration(source, target, report.upTo)).resolves.toMatchObject({
      events: all.length,
    });
    await Promise.all([source.close(), target.close()]);
  });

  it('a target lost mid-run stops the run; the next run on a new connection completes it', async () => {
    const source = new SqliteEventStore({ file: sourceFile, durability: 'NORMAL' });
    await fill(source, 200);
    const first = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    await expect(
      migrateEvents(source, first, ({ done }) => {
        if (done >= 100) void first.close();
      }),
    ).rejects.toBeInstanceOf(EventStoreClosed);
    const second = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    const report = await migrateEvents(source, second);
    expect(report.alreadyThere).toBeGreaterThanOrEqual(100);
    await expect(verifyMigration(source, second, report.upTo)).resolves.toBeDefined();
    await Promise.all([source.close(), second.close()]);
  });

  it('leaves events the source receives meanwhile to the next run', async () => {
    const source = new SqliteEventStore({ file: sourceFile, durability: 'NORMAL' });
    await fill(source, 100);
    const target = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    let appended = false;
    const report = await migrateEvents(source, target, () => {
      if (appended) return;
      appended = true;
      void source.appendToStream('late', [event('Late')]);
    });
    const all = await collect(source.readAll());
    expect(all.at(-1)!.streamId).toBe('late');
    expect(report.total).toBe(all.length - 1);
    await expect(verifyMigration(source, target, report.upTo)).resolves.toMatchObject({
      events: all.length - 1,
    });
    const next = await migrateEvents(source, target);
    expect(next).toEqual({
      total: all.length,
      alreadyThere: all.length - 1,
      upTo: all.at(-1)!.position,
    });
    await Promise.all([source.close(), target.close()]);
  });

  it('refuses a target that holds other events, and a copy that differs fails verification', async () => {
    const source = new SqliteEventStore({ file: sourceFile, durability: 'NORMAL' });
    await source.appendToStream('a', [event('A')]);
    await source.appendToStream('b', [event('B')]);
    const a0 = (await collect(source.readStream('a')))[0]!;

    const foreign = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    await foreign.appendToStream('x', [event('X')]);
    await expect(migrateEvents(source, foreign)).rejects.toThrow(
      /target holds events that are not from this store/,
    );
    await foreign.close();
    rmSync(targetFile);

    // Its last event is the source's, but stream 'b' holds something else.
    const diverged = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    await diverged.appendToStream('b', [event('NotB')]);
    await diverged.appendToStream('a', [
      { id: a0.id, type: a0.type, data: a0.data, metadata: a0.metadata },
    ]);
    const refusal = migrateEvents(source, diverged);
    await expect(refusal).rejects.toBeInstanceOf(MigrationFailed);
    await expect(refusal).rejects.toThrow(
      /Stream 'b' in the target is at revision 0, but the source's next event there has revision 0/,
    );
    await expect(verifyMigration(source, diverged, await source.headPosition())).rejects.toThrow(
      /does not match: event 1 of the log .* differs in id, streamId, type/,
    );
    await diverged.close();
    rmSync(targetFile);

    const copy = new SqliteEventStore({ file: targetFile, durability: 'NORMAL' });
    const report = await migrateEvents(source, copy);
    await copy.appendToStream('b', [event('Extra')]);
    await expect(verifyMigration(source, copy, report.upTo)).rejects.toThrow(
      /the source has 2 events, the target 3; events per stream differ in 1 streams \('b' 1 → 2\)/,
    );
    await Promise.all([source.close(), copy.close()]);
  });

  it('an empty source makes an empty copy', async () => {
    const source = new SqliteEventStore({ file: sourceFile });
    const target = new SqliteEventStore({ file: targetFile });
    expect(await migrateEvents(source, target)).toEqual({
      total: 0,
      alreadyThere: 0,
      upTo: 'start',
    });
    expect(await verifyMigration(source, target, 'start')).toEqual({ events: 0, streams: 0 });
    await Promise.all([source.close(), target.close()]);
  });
});
