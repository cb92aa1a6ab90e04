import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type Position } from '@ml/event-store';
import { Projector } from '../src/projections/projector.js';
import { ReadStore } from '../src/read-store/read-store.js';
import type { StoredEvent } from '../src/shared/stored-event.js';

const registered = (actorId: string) => ({
  id: randomUUID(),
  type: 'ActorRegistered',
  data: { actorId, name: `Actor ${actorId}`, kind: 'company' },
  metadata: { schemaVersion: 1, occurredAt: '2013-07-01T10:00:00.000Z' },
});

/** Each test's own event store and read models, in a temporary directory. */
let dir: string;
let store: SqliteEventStore;
let readStore: ReadStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ml-projector-'));
  store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
  readStore = ReadStore.inDataDir(dir);
});
afterEach(async () => {
  readStore.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the projector, with a read model rebuilt on its own', () => {
  const follow = async () => {
    const projector = new Projector(store, readStore);
    const heard: StoredEvent[] = [];
    projector.projected.on('events', (events) => heard.push(...events));
    projector.onApplicationBootstrap();
    await projector.reached(await store.headPosition());
    return { projector, heard };
  };

  it('does not tell listeners again of the history one read model rebuilds, and tells of new events once', async () => {
    for (const id of ['a', 'b', 'c']) await store.appendToStream(`actor-${id}`, [registered(id)]);
    const first = await follow();
    // Read models built from nothing tell of every event as they apply it, as before.
    expect(first.heard.map((e) => e.data)).toEqual(
      ['a', 'b', 'c'].map((id) => registered(id).data),
    );
    await first.projector.stop();

    readStore.run("UPDATE read_models SET version = version - 1 WHERE name = 'actors'");
    const again = await follow();
    expect(
      (await again.projector.status()).map((s) => [s.name, s.eventsApplied > 0]),
    ).toContainEqual(['actors', true]);
    expect(again.heard).toEqual([]);
    expect(readStore.all('SELECT actor_id FROM actors ORDER BY actor_id')).toEqual([
      { actor_id: 'a' },
      { actor_id: 'b' },
      { actor_id: 'c' },
    ]);

    const fresh = await store.appendToStream('actor-d', [registered('d')]);
    await again.projector.reached(fresh.position);
    expect(again.heard.map((e) => e.position)).toEqual([fresh.position]);
    await again.projector.stop();
  });

  it('says at once that a change is late while a read model rebuilds, and names it', async () => {
    for (const id of ['a', 'b']) await store.appendToStream(`actor-${id}`, [registered(id)]);
    await (await follow()).projector.stop();
    readStore.run("UPDATE read_models SET version = version - 1 WHERE name = 'audit'");
    const head = (await store.headPosition()) as string;
    const next = String(Number(head) + 1).padStart(head.length, '0');
    const projector = new Projector(store, readStore);
    projector.onApplicationBootstrap();
    expect(projector.rebuilding).toEqual(['audit']);
    // Asked before the audit could catch up (no turn of the event loop in between), for the
    // next event: 'late' at once, not after the minute it was given.
    const late = projector.waitFor(next as Position, 60_000);
    expect(await late).toBe('late');
    const change = await store.appendToStream('actor-c', [registered('c')]);
    expect(change.position).toBe(next);
    await projector.reached(change.position);
    expect(projector.rebuilding).toEqual([]);
    expect(await projector.waitFor(change.position, 60_000)).toBe('reached');
    await projector.stop();
  });
});

describe('the projector on a full disk', () => {
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('waits for space instead of stopping, says so at once, and resumes from its checkpoint when space returns', async () => {
    await store.appendToStream('actor-a', [registered('a')]);
    const projector = new Projector(store, readStore);
    projector.onApplicationBootstrap();
    await projector.reached(await store.headPosition());

    // The read models' file is full at its present size (SQLITE_FULL, as on a full disk).
    readStore.db.pragma(
      `max_page_count = ${Number(readStore.db.pragma('page_count', { simple: true }))}`,
    );
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`);
    for (const id of ids)
      await store.appendToStream(`actor-${id}`, [
        { ...registered(id), data: { ...registered(id).data, name: `${id} ${'x'.repeat(2000)}` } },
      ]);
    const head = await store.headPosition();
    await until(() => projector.diskFull || projector.failed !== null);
    expect(projector.state).toBe('retrying');
    expect(projector.failed).toBeNull();
    expect(await projector.waitFor(head, 60_000)).toBe('late');
    expect((await projector.status()).every((s) => s.lastError?.includes('full'))).toBe(true);

    readStore.db.pragma('max_page_count = 1073741823');
    await projector.reached(head);
    expect(projector.diskFull).toBe(false);
    expect(projector.state).toBe('running');
    expect(
      readStore.all<{ actor_id: string }>('SELECT actor_id FROM actors ORDER BY actor_id'),
    ).toEqual(['a', ...ids].sort().map((actor_id) => ({ actor_id })));
    await projector.stop();
  });
});
