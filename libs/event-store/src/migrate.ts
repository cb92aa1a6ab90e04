import { isDeepStrictEqual } from 'node:util';
import {
  comparePositions,
  type EventStore,
  type LogStart,
  type NewEvent,
  type RecordedEvent,
} from './contract.js';
import { DuplicateEventId, WrongExpectedVersion } from './errors.js';

/** A migration that cannot go on, or whose copy does not match; the message says why. */
export class MigrationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationFailed';
  }
}

export interface MigrationProgress {
  /** Events of the source now in the target (including those an earlier run copied). */
  done: number;
  total: number;
}

export interface MigrationReport {
  /** The source's events up to `upTo`, all of which are now in the target. */
  total: number;
  /** Of those, the ones an earlier run had copied already. */
  alreadyThere: number;
  /** The source's head when this run began: later events are left to the next run. */
  upTo: LogStart;
}

export interface VerifiedCopy {
  events: number;
  streams: number;
}

/** Events appended together: consecutive events of one stream, within EventStoreDB's append size. */
const RUN_EVENTS = 100;
const RUN_BYTES = 512 * 1024;

/**
 * Copies the log of `source` into `target` through the event-store contract: the same
 * streams, in the same order, with the same event ids, data and metadata (the engines set
 * `recordedAt` themselves). Each append names the revision the stream must be at, so an
 * event is never written twice; a run that was interrupted continues after the last event
 * the target holds. Events the source receives after this run began are left to the next
 * run. The target must hold nothing but events of this source.
 */
export async function migrateEvents(
  source: EventStore,
  target: EventStore,
  onProgress: (progress: MigrationProgress) => void = () => undefined,
): Promise<MigrationReport> {
  const upTo = await source.headPosition();
  const total = await countUpTo(source, upTo);
  const { after, alreadyThere } = await resumePoint(source, target);
  let done = alreadyThere;
  onProgress({ done, total });

  let run: RecordedEvent[] = [];
  let runBytes = 0;
  const flush = async () => {
    await appendRun(target, run);
    done += run.length;
    run = [];
    runBytes = 0;
    onProgress({ done, total });
  };
  if (after !== upTo) {
    for await (const event of source.readAll({ fromPosition: after })) {
      if (comparePositions(event.position, upTo) > 0) break;
      const bytes = JSON.stringify(event.data).length + JSON.stringify(event.metadata).length;
      if (
        run.length > 0 &&
        (run[0]!.streamId !== event.streamId ||
          run.length >= RUN_EVENTS ||
          runBytes + bytes > RUN_BYTES)
      )
        await flush();
      run.push(event);
      runBytes += bytes;
    }
    if (run.length > 0) await flush();
  }
  return { total, alreadyThere, upTo };
}

async function appendRun(target: EventStore, run: RecordedEvent[]): Promise<void> {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const events: NewEvent[] = run.map(({ id, type, data, metadata }) => ({
    id,
    type,
    data,
    metadata,
  }));
  try {
    const result = await target.appendToStream(first.streamId, events, {
      expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1,
    });
    if (result.nextExpectedRevision !== last.revision)
      throw new MigrationFailed(
        `Stream '${first.streamId}' in the target reached revision ${result.nextExpectedRevision} where the source has ${last.revision}`,
      );
  } catch (error) {
    if (error instanceof WrongExpectedVersion)
      throw new MigrationFailed(
        `Stream '${first.streamId}' in the target is at revision ${String(error.actual)}, but the source's next event there has revision ${first.revision}: ` +
          'the target holds other events in that stream. Migrate into an empty store.',
      );
    if (error instanceof DuplicateEventId)
      throw new MigrationFailed(
        `Event ${error.eventId} is in stream '${error.stream}' of the target, but in '${first.streamId}' in the source. Migrate into an empty store.`,
      );
    throw error;
  }
}

async function countUpTo(store: EventStore, upTo: LogStart): Promise<number> {
  let count = 0;
  if (upTo === 'start') return count;
  for await (const event of store.readAll()) {
    if (comparePositions(event.position, upTo) > 0) break;
    count++;
  }
  return count;
}

/**
 * Where an earlier run stopped: after the source's copy of the target's last event. Runs copy
 * in log order and each append is whole or absent, so everything before it is there too.
 */
async function resumePoint(
  source: EventStore,
  target: EventStore,
): Promise<{ after: LogStart; alreadyThere: number }> {
  let last: RecordedEvent | undefined;
  for await (const event of target.readAll({ direction: 'backwards', maxCount: 1 })) last = event;
  if (!last) return { after: 'start', alreadyThere: 0 };
  let count = 0;
  for await (const event of source.readAll()) {
    count++;
    if (event.id.toLowerCase() !== last.id.toLowerCase()) continue;
    if (event.streamId !== last.streamId || event.revision !== last.revision)
      throw new MigrationFailed(
        `The target's last event ${last.id} is at revision ${last.revision} of '${last.streamId}', but at revision ${event.revision} of '${event.streamId}' in the source. Migrate into an empty store.`,
      );
    return { after: event.position, alreadyThere: count };
  }
  throw new MigrationFailed(
    `The target holds events that are not from this store (its last, ${last.id} in '${last.streamId}', is not in the source). Migrate into an empty store.`,
  );
}

/**
 * Reads both logs and compares them: the target must hold exactly the source's events up to
 * `upTo`, in the same order, with the same ids, streams, revisions, types, data and metadata,
 * and so the same number of events in total and in each stream.
 */
export async function verifyMigration(
  source: EventStore,
  target: EventStore,
  upTo: LogStart,
): Promise<VerifiedCopy> {
  const counts = { source: new Map<string, number>(), target: new Map<string, number>() };
  const tally = (map: Map<string, number>, stream: string) =>
    map.set(stream, (map.get(stream) ?? 0) + 1);
  const copies = target.readAll()[Symbol.asyncIterator]();
  let compared = 0;
  let targetEnded = false;
  let firstDifference: string | undefined;
  try {
    if (upTo !== 'start') {
      for await (const original of source.readAll()) {
        if (comparePositions(original.position, upTo) > 0) break;
        tally(counts.source, original.streamId);
        const copy = targetEnded ? undefined : await copies.next();
        if (!copy || copy.done) {
          targetEnded = true;
          continue;
        }
        tally(counts.target, copy.value.streamId);
        firstDifference ??= differenceOf(original, copy.value, ++compared);
      }
    }
    if (!targetEnded)
      for (let copy = await copies.next(); !copy.done; copy = await copies.next())
        tally(counts.target, copy.value.streamId);
  } finally {
    await copies.return?.();
  }
  const totals = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  const streamsOff = [...new Set([...counts.source.keys(), ...counts.target.keys()])]
    .filter((stream) => counts.source.get(stream) !== counts.target.get(stream))
    .map((s) => `'${s}' ${counts.source.get(s) ?? 0} → ${counts.target.get(s) ?? 0}`);
  if (totals(counts.source) !== totals(counts.target) || streamsOff.length > 0)
    throw new MigrationFailed(
      `The copy does not match: the source has ${totals(counts.source)} events, the target ${totals(counts.target)}; ` +
        `events per stream differ in ${streamsOff.length} streams (${streamsOff.slice(0, 5).join(', ')}${streamsOff.length > 5 ? ', …' : ''})`,
    );
  if (firstDifference) throw new MigrationFailed(`The copy does not match: ${firstDifference}`);
  return { events: compared, streams: counts.source.size };
}

function differenceOf(
  original: RecordedEvent,
  copy: RecordedEvent,
  nth: number,
): string | undefined {
  const fields = ['streamId', 'revision', 'type', 'data', 'metadata'] as const;
  const differing: string[] = fields.filter(
    (field) => !isDeepStrictEqual(original[field], copy[field]),
  );
  if (original.id.toLowerCase() !== copy.id.toLowerCase()) differing.unshift('id');
  if (differing.length === 0) return undefined;
  return `event ${nth} of the log (${original.id} in '${original.streamId}', position ${original.position} in the source) differs in ${differing.join(', ')}`;
}
