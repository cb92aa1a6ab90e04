import type { Position, RecordedEvent } from '../contract.js';
import {
  CHAIN_START,
  canonicalJson,
  contentHash,
  contentOf,
  link,
  splitIntegrity,
  withStreamLinks,
} from './chain.js';
import { CHAIN_GENESIS_STREAM, CHAIN_GENESIS_TYPE, verifyChains } from './verify.js';

const position = (n: number) => String(n).padStart(16, '0') as Position;

/** A log as a store would write it: `unlinked` events first without links, then a genesis. */
function log(specs: Array<[stream: string, data: object]>, unlinked = 0): RecordedEvent[] {
  const revisions = new Map<string, number>();
  const streamLinks = new Map<string, string>();
  let logLink = CHAIN_START;
  let unlinkedLog = CHAIN_START;
  const events: RecordedEvent[] = [];
  const add = (streamId: string, type: string, data: object, linked: boolean) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    const event: RecordedEvent = {
      id: `00000000-0000-4000-8000-${String(events.length).padStart(12, '0')}`,
      type,
      data,
      metadata: { occurredAt: '2026-11-26T00:00:00.000Z' },
      streamId,
      revision,
      position: position(events.length + 1),
      recordedAt: new Date(0),
    };
    const content = contentHash(contentOf(event));
    if (linked) {
      const stream = link(streamLinks.get(streamId) ?? CHAIN_START, content);
      logLink = link(logLink, content);
      streamLinks.set(streamId, stream);
      event.integrity = { stream, log: logLink };
    } else unlinkedLog = link(unlinkedLog, content);
    events.push(event);
  };
  specs.forEach(([stream, data], i) => {
    if (i === unlinked && unlinked > 0)
      add(
        CHAIN_GENESIS_STREAM,
        CHAIN_GENESIS_TYPE,
        { events: unlinked, logHash: unlinkedLog },
        true,
      );
    add(stream, 'Happened', data, i >= unlinked);
  });
  return events;
}

async function* each(events: RecordedEvent[]) {
  yield* events;
}
const verify = (events: RecordedEvent[]) => verifyChains(each(events), { logChain: true });

const SPECS: Array<[string, object]> = [
  ['a', { n: 1 }],
  ['b', { n: 2 }],
  ['a', { n: 3 }],
  ['c', { n: 4 }],
  ['a', { n: 5 }],
  ['b', { n: 6 }],
];

describe('canonicalJson', () => {
  it('sorts keys at every depth, leaves out undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined }, é: 'ü' })).toBe(
      '{"a":{"d":[3,{"x":2,"y":1}]},"b":1,"é":"ü"}',
    );
  });
});

describe('verifyChains', () => {
  it('verifies an untouched log, and names its head', async () => {
    const events = log(SPECS);
    expect(await verify(events)).toEqual({
      events: 6,
      unlinked: 0,
      head: { position: position(6), logHash: events[5]!.integrity!.log },
    });
  });

  it('names an event whose data was changed', async () => {
    const events = log(SPECS);
    events[2] = { ...events[2]!, data: { n: 30 } };
    expect((await verify(events)).broken).toMatchObject({
      position: position(3),
      problem: expect.stringContaining('its data, type or metadata were changed'),
    });
  });

  it('names the event after one that was removed', async () => {
    const events = log(SPECS);
    events.splice(1, 1);
    expect((await verify(events)).broken).toMatchObject({
      position: position(3),
      problem: expect.stringContaining('an event before it was removed, inserted or moved'),
    });
  });

  it('names the event after one removed from the middle of its stream', async () => {
    const events = log(SPECS);
    events.splice(2, 1);
    expect((await verify(events)).broken).toMatchObject({
      position: position(4),
      problem: expect.stringContaining('does not follow the event before it in the log'),
    });
  });

  it('names the first of two events swapped', async () => {
    const events = log(SPECS);
    [events[1], events[3]] = [
      { ...events[3]!, position: events[1]!.position },
      { ...events[1]!, position: events[3]!.position },
    ];
    expect((await verify(events)).broken).toMatchObject({ position: position(2) });
  });

  it('covers events written before the chain with its genesis checkpoint, and sees them changed', async () => {
    const events = log(SPECS, 3);
    expect(await verify(events)).toMatchObject({ events: 7, unlinked: 3 });
    const changed = [...events];
    changed[1] = { ...changed[1]!, data: { n: 20 } };
    expect((await verify(changed)).broken).toMatchObject({
      position: position(4),
      eventType: CHAIN_GENESIS_TYPE,
      problem: expect.stringContaining('the genesis checkpoint covers 3 events'),
    });
  });

  it('refuses events without links after the chain began', async () => {
    const events = log(SPECS);
    const { integrity: _removed, ...bare } = events[4]!;
    events[4] = bare;
    expect((await verify(events)).broken).toMatchObject({
      position: position(5),
      problem: expect.stringContaining('carries no hash although events before it do'),
    });
  });
});

describe('withStreamLinks (engines that store metadata as given)', () => {
  it('links appends so that the verifier accepts their stream chains, and no other', async () => {
    const recorded: RecordedEvent[] = [];
    const append = (streamId: string, data: object[]) => {
      const revision = recorded.filter((e) => e.streamId === streamId).length;
      const previous = recorded.filter((e) => e.streamId === streamId).at(-1)?.integrity?.stream;
      const linked = withStreamLinks(
        streamId,
        data.map((d, i) => ({
          id: `00000000-0000-4000-8000-0000000000${recorded.length + i}0`,
          type: 'Happened',
          data: d,
        })),
        revision,
        previous ?? CHAIN_START,
      );
      for (const [i, event] of linked.entries()) {
        const { metadata, integrity } = splitIntegrity(event.metadata!);
        recorded.push({
          ...event,
          metadata,
          integrity: integrity!,
          streamId,
          revision: revision + i,
          position: position(recorded.length + 1),
          recordedAt: new Date(0),
        });
      }
    };
    append('a', [{ n: 1 }, { n: 2 }]);
    append('b', [{ n: 3 }]);
    append('a', [{ when: new Date(0) }]);
    expect(await verifyChains(each(recorded), { logChain: false })).toMatchObject({
      events: 4,
    });
    expect(recorded[3]!.data).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    recorded[3] = { ...recorded[3]!, data: { when: 'later' } };
    expect((await verifyChains(each(recorded), { logChain: false })).broken).toMatchObject({
      position: position(4),
    });
  });
});
