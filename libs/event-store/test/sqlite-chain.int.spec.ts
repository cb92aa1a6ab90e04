import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHAIN_GENESIS_TYPE,
  SqliteEventStore,
  ensureChainGenesis,
  verifyChains,
  type EventStore,
} from '../src/index.js';

/** The embedded store's hash chains, verified after tampering with the SQLite file itself. */
describe('the embedded store’s hash chains', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-chain-'));
    file = join(dir, 'events.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = () => new SqliteEventStore({ file, durability: 'NORMAL' });
  const event = (n: number) => ({
    id: randomUUID(),
    type: 'Happened',
    data: { n, text: `event ${n}` },
    metadata: { occurredAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString() },
  });
  /** Twelve events over three streams, some appended together, some concurrently. */
  async function write(store: EventStore): Promise<void> {
    await store.appendToStream('a', [event(1), event(2)], { expectedRevision: 'no_stream' });
    await Promise.all([
      store.appendToStream('b', [event(3)]),
      store.appendToStream('c', [event(4), event(5), event(6)]),
      store.appendToStream('a', [event(7)], { expectedRevision: 1 }),
    ]);
    for (let n = 8; n <= 12; n++) await store.appendToStream(['a', 'b', 'c'][n % 3]!, [event(n)]);
  }
  const verifyFile = async () => {
    const store = open();
    try {
      return await verifyChains(store.readAll(), { logChain: true });
    } finally {
      await store.close();
    }
  };
  /** Changes the file as someone with write access to it could, the store closed. */
  const tamper = (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };

  it('verifies an untouched log, with links the store keeps out of the metadata it hands back', async () => {
    const store = open();
    await write(store);
    const events = [];
    for await (const e of store.readAll()) events.push(e);
    await store.close();
    expect(events.every((e) => e.integrity?.stream && e.integrity.log)).toBe(true);
    expect(events.every((e) => !('integrity' in e.metadata))).toBe(true);
    const result = await verifyFile();
    expect(result).toEqual({
      events: 12,
      unlinked: 0,
      head: { position: events[11]!.position, logHash: events[11]!.integrity!.log },
    });
  });

  it('names the event whose data was edited in the file', async () => {
    const store = open();
    await write(store);
    await store.close();
    tamper(`UPDATE events SET data = '{"n":5,"text":"edited"}' WHERE position = 5`);
    expect((await verifyFile()).broken).toMatchObject({
      position: '0000000000000005',
      problem: expect.stringContaining('its data, type or metadata were changed'),
    });
  });

  it('names the event after a row deleted from the file', async () => {
    const store = open();
    await write(store);
    await store.close();
    tamper('DELETE FROM events WHERE position = 7');
    expect((await verifyFile()).broken).toMatchObject({
      position: '0000000000000008',
      problem: expect.stringContaining('an event before it was removed'),
    });
  });

  it('names an event whose data is no longer JSON', async () => {
    const store = open();
    await write(store);
    await store.close();
    tamper(`UPDATE events SET data = 'not json' WHERE position = 6`);
    expect((await verifyFile()).broken).toMatchObject({
      position: '0000000000000006',
      problem: expect.stringContaining('it cannot be read: its data or metadata is not JSON'),
    });
  });

  it('names the first of two rows swapped in the file', async () => {
    const store = open();
    await write(store);
    await store.close();
    tamper(`
      UPDATE events SET position = -1 WHERE position = 4;
      UPDATE events SET position = 4 WHERE position = 9;
      UPDATE events SET position = 9 WHERE position = -1;`);
    const broken = (await verifyFile()).broken!;
    expect(broken.position).toBe('0000000000000004');
    expect(broken.problem).toMatch(/revision|does not follow|changed/);
  });

  it('covers events written before the chain with a genesis checkpoint, and sees them edited', async () => {
    // A store written by a version without the chain: rows without links.
    const old = open();
    await old.close();
    const db = new Database(file);
    const insert = db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, 'Happened', ?, '{}', 0)`,
    );
    for (let n = 0; n < 5; n++)
      insert.run(randomUUID(), n % 2 ? 'a' : 'b', Math.floor(n / 2), JSON.stringify({ n }));
    db.close();

    const store = open();
    expect(await ensureChainGenesis(store)).toBe(5);
    expect(await ensureChainGenesis(store)).toBe(0);
    await store.appendToStream('a', [event(6)]);
    await store.appendToStream('d', [event(7)]);
    const genesis = [];
    for await (const e of store.readAll()) if (e.type === CHAIN_GENESIS_TYPE) genesis.push(e);
    await store.close();
    expect(genesis).toHaveLength(1);
    expect(await verifyFile()).toMatchObject({ events: 8, unlinked: 5 });

    tamper(`UPDATE events SET data = '{"n":9}' WHERE position = 2`);
    expect((await verifyFile()).broken).toMatchObject({
      position: '0000000000000006',
      eventType: CHAIN_GENESIS_TYPE,
      problem: expect.stringContaining('the genesis checkpoint covers 5 events'),
    });
  });
});
