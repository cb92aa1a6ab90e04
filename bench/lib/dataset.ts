import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore, NewEvent } from '@ml/event-store';
import { ID_REGISTRY_BACKFILL } from '@ml/masterplan';

/**
 * Demo-shaped history written straight to a store: 200 actors with representatives, one
 * masterplan with four theme fields, measures with assignments, and then, per measure,
 * rounds of a commitment declared, progress reported and the commitment withdrawn. The
 * measures' streams are interleaved in the log, as many actors working at once would.
 */
export const BENCH_MASTERPLAN = 'bench-plan';
export const BENCH_ACTORS = 200;
export const THEME_FIELDS = [
  'standortkommunikation',
  'fachkraefte',
  'innovationen',
  'rahmenbedingungen',
];

export const actorId = (i: number) => `bench-actor-${i}`;
export const repOf = (i: number) => `bench-rep-${i}`;
export const measureId = (i: number) => `bench-m-${i}`;

const meta = (userId: string, commandName: string, organisationId?: string): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  commandId: randomUUID(),
  commandName,
  actor: {
    userId,
    roles: organisationId ? ['representative'] : ['administrator'],
    ...(organisationId ? { organisationId } : {}),
  },
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
});

const ev = (type: string, data: unknown, metadata: EventMetadata): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { ...metadata, ...(type === 'ProposalSubmitted' ? { schemaVersion: 2 } : {}) },
});

/** Appends about `total` events; returns the number written and the measure count. */
export async function writeDataset(
  store: EventStore,
  total: number,
  onProgress?: (written: number) => void,
): Promise<{ events: number; measures: number }> {
  let written = 0;
  const admin = 'bench.admin';
  const append = async (stream: string, events: NewEvent[]) => {
    await store.appendToStream(stream, events);
    written += events.length;
    if (onProgress && written % 50_000 < events.length) onProgress(written);
  };
  await append(`masterplan-${BENCH_MASTERPLAN}`, [
    ev(
      'MasterplanInitiated',
      {
        masterplanId: BENCH_MASTERPLAN,
        title: 'Benchmark masterplan',
        region: 'Region Aachen',
        motion: {
          reference: 'M-1',
          title: 'Motion',
          filedBy: 'Council group',
          filedOn: '2012-11-20',
        },
        resolution: { reference: 'R-1', body: 'Committee', decidedOn: '2013-03-12' },
      },
      meta(admin, 'InitiateMasterplan'),
    ),
    ...THEME_FIELDS.map((id) =>
      ev(
        'ThemeFieldDefined',
        {
          masterplanId: BENCH_MASTERPLAN,
          themeFieldId: id,
          name: id,
          description: `Theme field ${id}`,
        },
        meta(admin, 'DefineThemeField'),
      ),
    ),
  ]);
  await Promise.all(
    Array.from({ length: BENCH_ACTORS }, (_, i) =>
      append(`actor-${actorId(i)}`, [
        ev(
          'ActorRegistered',
          { actorId: actorId(i), name: `Benchmark actor ${i}`, kind: 'company' },
          meta(admin, 'RegisterActor'),
        ),
        ev(
          'RepresentativeAppointed',
          { actorId: actorId(i), userId: repOf(i), name: `Representative ${i}` },
          meta(admin, 'AppointRepresentative'),
        ),
      ]),
    ),
  );
  const measures = Math.max(10, Math.round(total / 100));
  const perMeasure = Math.max(4, Math.floor((total - written) / measures));
  const rounds = Math.max(0, Math.floor((perMeasure - 4) / 3));
  // Each measure's history, as chunks appended in interleaved order.
  const chunks: Array<{ stream: string; events: NewEvent[] }> = [];
  for (let m = 0; m < measures; m++) {
    const id = measureId(m);
    const stream = `measure-${id}`;
    const events: NewEvent[] = [
      ev(
        'MeasureDefined',
        {
          measureId: id,
          masterplanId: BENCH_MASTERPLAN,
          themeFieldId: THEME_FIELDS[m % 4],
          title: `Measure ${m}`,
          description: 'A measure of the benchmark',
          kind: m % 3 === 0 ? 'lead_project' : 'quick_win',
        },
        meta(admin, 'DefineMeasure'),
      ),
      ...[0, 1, 2].map((k) =>
        ev(
          'MeasureAssigned',
          {
            measureId: id,
            actorId: actorId((m + k * 7) % BENCH_ACTORS),
            role: k === 0 ? 'lead' : 'partner',
          },
          meta(admin, 'AssignMeasure'),
        ),
      ),
    ];
    for (let r = 0; r < rounds; r++) {
      const actor = (m + r) % BENCH_ACTORS;
      const commitmentId = `${id}-c${r}`;
      const rep = meta(repOf(actor), 'DeclareCommitment', actorId(actor));
      events.push(
        ev(
          'CommitmentDeclared',
          {
            commitmentId,
            actorId: actorId(actor),
            masterplanId: BENCH_MASTERPLAN,
            measureId: id,
            statement: `Commitment ${r} to measure ${m}`,
            dueDate: '2030-12-31',
          },
          rep,
        ),
        ev(
          'MeasureProgressReported',
          { measureId: id, percentComplete: Math.min(100, r), note: `Round ${r}` },
          meta(admin, 'ReportMeasureProgress'),
        ),
        ev(
          'CommitmentWithdrawn',
          { commitmentId, actorId: actorId(actor), reason: 'Rotated to the next partner' },
          rep,
        ),
      );
    }
    for (let i = 0; i < events.length; i += 12)
      chunks.push({ stream, events: events.slice(i, i + 12) });
  }
  // Interleave: round-robin over measures, so the log mixes streams.
  const byStream = new Map<string, Array<(typeof chunks)[number]>>();
  for (const chunk of chunks)
    byStream.set(chunk.stream, [...(byStream.get(chunk.stream) ?? []), chunk]);
  const queues = [...byStream.values()];
  const order: Array<(typeof chunks)[number]> = [];
  for (let round = 0; order.length < chunks.length; round++)
    for (const q of queues) if (q[round]) order.push(q[round]!);
  // 64 appends in flight; a stream's chunks stay in order because each stream is one queue entry per round.
  for (let i = 0; i < order.length; i += 64) {
    const window = order.slice(i, i + 64);
    const streams = new Set(window.map((c) => c.stream));
    if (streams.size === window.length)
      await Promise.all(window.map((c) => append(c.stream, c.events)));
    else for (const c of window) await append(c.stream, c.events);
  }
  // The ids above are unique by construction: mark the log as one whose ids need no
  // reservations, or a server would reserve each of them at its first start.
  await store.appendToStream(
    ID_REGISTRY_BACKFILL.stream,
    [
      {
        id: randomUUID(),
        type: ID_REGISTRY_BACKFILL.type,
        data: { upTo: 'generated', reserved: 0 },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
  return { events: written, measures };
}
