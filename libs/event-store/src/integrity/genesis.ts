import { randomUUID } from 'node:crypto';
import type { EventStore } from '../contract.js';
import { StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { CHAIN_START, contentHash, contentOf, link } from './chain.js';
import { CHAIN_GENESIS_STREAM, CHAIN_GENESIS_TYPE, type ChainGenesisData } from './verify.js';

/**
 * Covers the events written before the chain existed: when the log begins with events
 * without links and no genesis checkpoint exists yet, appends one holding their number and
 * their log chain, before anything else is appended. Returns how many events it covered
 * (0 when there was nothing to do). Several servers starting at once write one genesis.
 */
export async function ensureChainGenesis(store: EventStore): Promise<number> {
  for await (const first of store.readAll({ maxCount: 1 })) if (first.integrity) return 0;
  try {
    for await (const _ of store.readStream(CHAIN_GENESIS_STREAM, { maxCount: 1 })) return 0;
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  let events = 0;
  let logHash = CHAIN_START;
  for await (const event of store.readAll()) {
    if (event.integrity) break;
    logHash = link(logHash, contentHash(contentOf(event)));
    events++;
  }
  if (events === 0) return 0;
  const data: ChainGenesisData = { events, logHash };
  try {
    await store.appendToStream(
      CHAIN_GENESIS_STREAM,
      [
        {
          id: randomUUID(),
          type: CHAIN_GENESIS_TYPE,
          data,
          metadata: { occurredAt: new Date().toISOString() },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
  } catch (error) {
    if (error instanceof WrongExpectedVersion) return 0;
    throw error;
  }
  return events;
}
