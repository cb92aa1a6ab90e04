import { createHash } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../contract.js';

/**
 * The hash chains that make the log tamper-evident (docs/integrity.md). Each event's
 * content has a hash (SHA-256 of its canonical JSON); its stream link is the hash of the
 * previous event's stream link followed by its content hash, and, in the embedded engine,
 * its log link likewise chains it to the event before it in the global log. A changed,
 * removed, inserted or reordered event breaks a link that a verifier recomputes.
 */

/** Where a chain starts: the link "before" the first event. */
export const CHAIN_START = '0'.repeat(64);

/** The key of the metadata that carries an event's links; reserved, set by the store. */
export const INTEGRITY_KEY = 'integrity';

/** An event's links, as the store wrote them into its metadata. */
export interface EventIntegrity {
  /** Chains the event to the previous event of its stream. */
  stream: string;
  /** Chains the event to the previous event of the global log (embedded engine only). */
  log?: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code units, as JavaScript sorts strings), no
 * whitespace, members whose value is undefined left out, numbers and strings as
 * `JSON.stringify` writes them: the same value always gives the same text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const members = Object.keys(value as object)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${members.join(',')}}`;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What an event's content hash covers: everything the appender gave, and where it landed. */
export interface ChainedContent {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  /** Without the `integrity` key. */
  metadata: Record<string, unknown>;
}

export function contentHash(event: ChainedContent): string {
  return sha256(
    canonicalJson({
      id: event.id.toLowerCase(),
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    }),
  );
}

/** The link after `previous` for content with hash `content`. */
export function link(previous: string, content: string): string {
  return sha256(previous + content);
}

/** Metadata without the links (what the content hash covers), and the links if any. */
export function splitIntegrity(metadata: Record<string, unknown>): {
  metadata: Record<string, unknown>;
  integrity: EventIntegrity | undefined;
} {
  if (!(INTEGRITY_KEY in metadata)) return { metadata, integrity: undefined };
  const { [INTEGRITY_KEY]: integrity, ...rest } = metadata;
  return { metadata: rest, integrity: integrity as EventIntegrity };
}

/** The content of a recorded event, as its hash covers it. */
export const contentOf = (event: RecordedEvent): ChainedContent => ({
  id: event.id,
  streamId: event.streamId,
  revision: event.revision,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

/**
 * The events of one append with their stream links in their metadata, the first at
 * `firstRevision`, chained after `previous` (the stream's last link, or CHAIN_START). For
 * engines that write metadata as given (EventStoreDB); the embedded engine links in its
 * write transaction, the log link too.
 */
export function withStreamLinks(
  streamId: string,
  events: NewEvent[],
  firstRevision: number,
  previous: string,
): NewEvent[] {
  let streamLink = previous;
  return events.map((event, i) => {
    // As the engine will hand it back: JSON, read again.
    const data = JSON.parse(JSON.stringify(event.data)) as unknown;
    const metadata = JSON.parse(JSON.stringify(event.metadata ?? {})) as Record<string, unknown>;
    streamLink = link(
      streamLink,
      contentHash({
        id: event.id,
        streamId,
        revision: firstRevision + i,
        type: event.type,
        data,
        metadata,
      }),
    );
    const integrity: EventIntegrity = { stream: streamLink };
    return { ...event, data, metadata: { ...metadata, [INTEGRITY_KEY]: integrity } };
  });
}
