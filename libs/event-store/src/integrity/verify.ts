import type { RecordedEvent } from '../contract.js';
import { UnreadableEvent } from '../errors.js';
import { CHAIN_START, contentHash, contentOf, link } from './chain.js';

/** The event that covers the events written before the chain existed (docs/integrity.md). */
export const CHAIN_GENESIS_STREAM = 'integrity-genesis';
export const CHAIN_GENESIS_TYPE = 'ChainGenesis';

export interface ChainGenesisData {
  /** How many events came before it without links. */
  events: number;
  /** Their log chain, computed as for linked events (CHAIN_START when none). */
  logHash: string;
}

/** The first link that does not hold, and what is wrong with it. */
export interface ChainBreak {
  position: string;
  eventId: string;
  streamId: string;
  revision: number;
  eventType: string;
  problem: string;
}

export interface Verification {
  /** Events read. */
  events: number;
  /** Of those, written before the chain existed and covered by the genesis checkpoint. */
  unlinked: number;
  /** The last event verified and the log link it ends with (embedded engine). */
  head?: { position: string; logHash?: string };
  /** The first break, if any; the events after it are not verified. */
  broken?: ChainBreak;
}

/**
 * Recomputes the chains over the log, in log order, and stops at the first link that does
 * not hold. `logChain`: whether events carry log links (the embedded engine's).
 */
export async function verifyChains(
  events: AsyncIterable<RecordedEvent>,
  options: { logChain: boolean; onProgress?: (events: number) => void },
): Promise<Verification> {
  const streams = new Map<string, { revision: number; link: string }>();
  let unlinkedLog = CHAIN_START;
  let unlinked = 0;
  let linked = false;
  let logLink = CHAIN_START;
  let count = 0;
  let head: Verification['head'];
  try {
    for await (const event of events) {
      count++;
      if (count % 10_000 === 0) options.onProgress?.(count);
      const broken = (problem: string): Verification => ({
        events: count,
        unlinked,
        ...(head ? { head } : {}),
        broken: {
          position: event.position,
          eventId: event.id,
          streamId: event.streamId,
          revision: event.revision,
          eventType: event.type,
          problem,
        },
      });
      const before = streams.get(event.streamId);
      const expectedRevision = (before?.revision ?? -1) + 1;
      if (event.revision !== expectedRevision)
        return broken(
          event.revision > expectedRevision
            ? `revision ${event.revision} follows ${before ? `revision ${before.revision}` : 'nothing'} in its stream: ${event.revision - expectedRevision === 1 ? `revision ${expectedRevision} is` : `revisions ${expectedRevision} to ${event.revision - 1} are`} missing (removed?)`
            : `revision ${event.revision} comes after revision ${before!.revision} in its stream: an event was inserted or moved`,
        );
      const content = contentHash(contentOf(event));
      if (!event.integrity) {
        if (linked)
          return broken(
            'it carries no hash although events before it do: it was written around the store, or its hash was removed',
          );
        unlinkedLog = link(unlinkedLog, content);
        unlinked++;
        streams.set(event.streamId, { revision: event.revision, link: CHAIN_START });
        head = { position: event.position };
        continue;
      }
      if (!linked) {
        linked = true;
        if (unlinked > 0) {
          const genesis = event.data as Partial<ChainGenesisData>;
          if (event.type !== CHAIN_GENESIS_TYPE || event.streamId !== CHAIN_GENESIS_STREAM)
            return broken(
              `${unlinked} events before it carry no hash and no genesis checkpoint covers them: they were written around the store`,
            );
          if (genesis.events !== unlinked || genesis.logHash !== unlinkedLog)
            return broken(
              `the genesis checkpoint covers ${genesis.events} events with chain ${genesis.logHash}, but the ${unlinked} events before it chain to ${unlinkedLog}: one of them was changed, removed, inserted or reordered`,
            );
        }
      }
      const stream = link(before?.link ?? CHAIN_START, content);
      if (event.integrity.stream !== stream)
        return broken(
          'its content does not match its stream link: its data, type or metadata were changed (or its link was)',
        );
      if (options.logChain) {
        const log = link(logLink, content);
        if (event.integrity.log !== log)
          return broken(
            'it does not follow the event before it in the log: an event before it was removed, inserted or moved',
          );
        logLink = log;
      }
      streams.set(event.streamId, { revision: event.revision, link: stream });
      head = { position: event.position, ...(options.logChain ? { logHash: logLink } : {}) };
    }
  } catch (error) {
    // An event the store cannot read back (not JSON) was written around it: a break too.
    if (!(error instanceof UnreadableEvent)) throw error;
    return {
      events: count + 1,
      unlinked,
      ...(head ? { head } : {}),
      broken: {
        position: error.position,
        eventId: error.eventId,
        streamId: error.streamId,
        revision: error.revision,
        eventType: error.eventType,
        problem: `it cannot be read: ${error.reason}; it was written around the store`,
      },
    };
  }
  options.onProgress?.(count);
  return { events: count, unlinked, ...(head ? { head } : {}) };
}
