import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, NewEvent } from '@ml/event-store';
import {
  commandMetadata,
  isRejection,
  measureAggregate,
  ReportMeasureProgress,
} from '@ml/masterplan';
import { startDomain, type DomainApp } from '../libs/masterplan/test/domain-app.js';
import { rawNaive } from './appends.bench.js';
import { figure, now, percentile, sortNumbers, type Figures } from './lib/figures.js';
import { zipf } from './lib/zipf.js';

const ADMIN = { userId: 'bench.admin', isAdministrator: true };
const STREAMS = 10_000;

async function defineMeasures(store: EventStore, count: number, eventsEach = 1): Promise<void> {
  const defined = (i: number): NewEvent[] => [
    {
      id: randomUUID(),
      type: 'MeasureDefined',
      data: {
        measureId: `cm-${i}`,
        masterplanId: 'cmp',
        themeFieldId: 'tf',
        title: `Measure ${i}`,
        description: 'd',
        kind: 'standard',
      },
      metadata: { schemaVersion: 1 },
    },
    ...Array.from({ length: eventsEach - 1 }, (_, k) => ({
      id: randomUUID(),
      type: 'MeasureProgressReported',
      data: { measureId: `cm-${i}`, percentComplete: k % 100, note: `report ${k}` },
      metadata: { schemaVersion: 1 },
    })),
  ];
  for (let i = 0; i < count; i += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, count - i) }, (_, k) =>
        store.appendToStream(`measure-cm-${i + k}`, defined(i + k)),
      ),
    );
  }
}

/** 64 writers reporting progress on measures picked with `pick`, through the command bus with its retries. */
async function mix(domain: DomainApp, pick: () => number, perWriter: number) {
  const before = { ...domain.executor.stats };
  const latencies: number[] = [];
  let refused = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const t = now();
        const result = await domain.commands.execute(
          new ReportMeasureProgress(
            { measureId: `cm-${pick()}`, percentComplete: (w + i) % 101, note: `writer ${w}` },
            commandMetadata(ADMIN),
          ),
        );
        latencies.push(now() - t);
        if (isRejection(result)) refused++;
      }
    }),
  );
  const commands = 64 * perWriter;
  return {
    rate: commands / ((now() - started) / 1000),
    latencies: sortNumbers(latencies),
    conflictsPer1000: (refused / commands) * 1000,
    retriesPer1000: ((domain.executor.stats.retries - before.retries) / commands) * 1000,
  };
}

export async function commandPathBenchmarks(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-commands-'));
  const domain = await startDomain(dir);
  try {
    await defineMeasures(domain.store, STREAMS);
    const naive = rawNaive(dir, quick ? 2000 : 10000);
    const naiveMs = 1000 / naive;
    const skewed = await mix(domain, zipf(STREAMS, 1.1), quick ? 40 : 250);
    const uniform = await mix(domain, () => Math.floor(Math.random() * STREAMS), quick ? 20 : 120);

    // Aggregate load: read and fold streams of 10, 100 and 1,000 events.
    const load: Figures = {};
    for (const size of [10, 100, 1000]) {
      const id = `cm-load-${size}`;
      await domain.store.appendToStream(`measure-${id}`, [
        {
          id: randomUUID(),
          type: 'MeasureDefined',
          data: {
            measureId: id,
            masterplanId: 'cmp',
            themeFieldId: 'tf',
            title: id,
            description: 'd',
            kind: 'standard',
          },
          metadata: { schemaVersion: 1 },
        },
      ]);
      for (let k = 1; k < size; k += 100) {
        const batch = Array.from({ length: Math.min(100, size - k) }, (_, j) => ({
          id: randomUUID(),
          type: 'MeasureProgressReported',
          data: { measureId: id, percentComplete: (k + j) % 100, note: 'n' },
          metadata: { schemaVersion: 1 },
        }));
        await domain.store.appendToStream(`measure-${id}`, batch);
      }
      const rounds = quick ? Math.max(20, 4000 / size) : Math.max(100, 40000 / size);
      const folded: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t = now();
        await domain.executor.load(measureAggregate, id, { fromCache: false });
        folded.push(now() - t);
      }
      const raw: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t = now();
        for await (const _ of domain.store.readStream(`measure-${id}`));
        raw.push(now() - t);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      load[`aggregate.load-${size}.rate`] = figure(
        1000 / mean(folded),
        'loads/s',
        1000 / mean(raw),
        'reading the stream without folding',
      );
      load[`aggregate.load-${size}.p99`] = figure(
        percentile(sortNumbers(folded), 99),
        'ms',
        percentile(sortNumbers(raw), 99),
        'p99 reading without folding',
      );
    }

    return {
      'commands.zipf-64.rate': figure(
        skewed.rate,
        'commands/s',
        naive,
        'raw better-sqlite3, 1 tx per append',
      ),
      'commands.zipf-64.p50': figure(
        percentile(skewed.latencies, 50),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
      'commands.zipf-64.p99': figure(
        percentile(skewed.latencies, 99),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
      'commands.zipf-64.p99.9': figure(
        percentile(skewed.latencies, 99.9),
        'ms',
        naiveMs,
        'raw mean ms per append',
      ),
      'commands.zipf-64.retries-per-1000': figure(
        skewed.retriesPer1000,
        'retries',
        uniform.retriesPer1000,
        'same mix, streams chosen uniformly',
      ),
      'commands.zipf-64.conflicts-per-1000': figure(
        skewed.conflictsPer1000,
        'refused after 5 attempts',
        uniform.conflictsPer1000,
        'same mix, uniform',
      ),
      'commands.uniform-64.rate': figure(
        uniform.rate,
        'commands/s',
        naive,
        'raw better-sqlite3, 1 tx per append',
      ),
      ...load,
    };
  } finally {
    await domain.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
