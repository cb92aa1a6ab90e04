import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { Projector, toStoredEvent } from '@ml/masterplan';
import { runWatched } from './lib/child.js';
import { startDomain } from '../libs/masterplan/test/domain-app.js';
import { writeDataset } from './lib/dataset.js';
import { figure, now, percentile, sortNumbers, type Figures } from './lib/figures.js';

export async function rebuildBenchmarks(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-rebuild-'));
  const total = quick ? 100_000 : 1_000_000;
  try {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), durability: 'NORMAL' });
    let started = now();
    const { events } = await writeDataset(store, total);
    const generation = events / ((now() - started) / 1000);

    started = now();
    let read = 0;
    for await (const recorded of store.readAll()) if (toStoredEvent(recorded)) read++;
    const readRate = read / ((now() - started) / 1000);

    await store.close();
    // The rebuild as users run it: the CLI verb in its own process, watched for peak memory.
    const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const rebuild = await runWatched(process.execPath, [cli, 'rebuild-projections'], {
      DATA_DIR: dir,
    });
    const match = /from (\d+) events in ([\d.]+) s/.exec(rebuild.output);
    if (rebuild.code !== 0 || !match)
      throw new Error(`rebuild-projections failed: ${rebuild.output}`);
    const applied = Number(match[1]);
    const rebuildRate = applied / Number(match[2]);
    const peakMb = rebuild.peakMb;

    // The whole audit trail exported (CSV) by the CLI, watched for peak memory, beside the
    // same process exporting nothing (a filter no entry matches): flat memory is a ratio of 1.
    const exportTrail = (filters: string[]) =>
      runWatched(
        process.execPath,
        [cli, 'export-audit', '--format', 'csv', '--out', '/dev/null', ...filters],
        { DATA_DIR: dir },
      );
    started = now();
    const exported = await exportTrail([]);
    const exportSeconds = (now() - started) / 1000;
    const exportedCount = /\] (\d+)\/\d+ entries/.exec(exported.output.split('\r').at(-1) ?? '');
    if (exported.code !== 0 || !exportedCount)
      throw new Error(`export-audit failed: ${exported.output.slice(-500)}`);
    const idle = await exportTrail(['--userId', 'nobody-at-all']);

    // Catch-up lag: a steady 1,000 appends/s while the live projector follows.
    const liveDir = mkdtempSync(join(tmpdir(), 'ml-bench-lag-'));
    const domain = await startDomain(liveDir);
    const projector = domain.app.get(Projector);
    const lags: number[] = [];
    const seconds = quick ? 4 : 15;
    const pending: Promise<void>[] = [];
    const begin = now();
    for (let i = 0; i < seconds * 1000; i++) {
      // Pace to 1,000 appends per second.
      const due = begin + i;
      if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
      pending.push(
        (async () => {
          const result = await domain.store.appendToStream(`measure-lag-${i % 500}`, [
            {
              id: randomUUID(),
              type: 'MeasureProgressReported',
              data: { measureId: `lag-${i % 500}`, percentComplete: i % 100, note: 'steady load' },
              metadata: { schemaVersion: 1, occurredAt: new Date().toISOString() },
            },
          ]);
          const acknowledged = now();
          await projector.reached(result.position);
          lags.push(now() - acknowledged);
        })(),
      );
    }
    await Promise.all(pending);
    const achieved = (seconds * 1000) / ((now() - begin) / 1000);
    await domain.app.close();
    rmSync(liveDir, { recursive: true, force: true });
    const sorted = sortNumbers(lags);

    return {
      'dataset.generate': figure(generation, 'events/s', total, `events written (${events})`),
      'projection.rebuild': figure(
        rebuildRate,
        'events/s',
        readRate,
        `reading and upcasting ${read} events without projecting`,
        { text: '≥ 100,000 events/s', met: (f) => f.value >= 100_000 },
      ),
      'projection.rebuild.peak-rss': figure(
        peakMb,
        'MB',
        300,
        'target (rebuild-projections process)',
        { text: '< 300 MB', met: (f) => f.value < 300 },
      ),
      'export.audit-csv.rate': figure(
        Number(exportedCount[1]) / exportSeconds,
        'entries/s',
        applied,
        'entries in the trail (the whole trail, CLI process, to /dev/null)',
      ),
      'export.audit-csv.peak-rss': figure(
        exported.peakMb,
        'MB',
        idle.peakMb,
        'the same CLI exporting no entry (a filter nothing matches)',
      ),
      'projection.catch-up-lag.p50': figure(percentile(sorted, 50), 'ms', 50, 'target p99', {
        text: 'p99 < 50 ms',
        met: () => percentile(sorted, 99) < 50,
      }),
      'projection.catch-up-lag.p99': figure(percentile(sorted, 99), 'ms', 50, 'target', {
        text: '< 50 ms',
        met: (f) => f.value < 50,
      }),
      'projection.catch-up-load': figure(achieved, 'appends/s', 1000, 'intended steady load'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
