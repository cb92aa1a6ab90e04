import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { peakRssMb, runWatched, startServer } from './lib/child.js';
import { BENCH_MASTERPLAN, repOf, writeDataset } from './lib/dataset.js';
import { figure, type Figures } from './lib/figures.js';

const root = join(import.meta.dirname, '..');
const server = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
const prober = join(import.meta.dirname, 'lib', 'health-prober.ts');

/**
 * The worst queries the hostile-input suite knows: bombs of depth, fan-out and aliases (the
 * limits refuse them before they run) and the heaviest query they let through (every
 * measure of the benchmark's plan with its assignments).
 */
export const WORST_QUERIES = [
  `{ masterplan(id: "${BENCH_MASTERPLAN}") { ${'measures { masterplan { '.repeat(15)} id ${'} } '.repeat(15)} } }`,
  `{ actors { commitments { measure { commitments { actor { commitments { measure { commitments { id } } } } } } } } }`,
  `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: health { status }`).join(' ')} }`,
  `{ masterplan(id: "${BENCH_MASTERPLAN}") { themeFields { measures { id title status assignments { role actor { name } } } } } }`,
];

/**
 * The heaviest read a representative may make (a hostile review's find): 30 pages of 500
 * audit entries at once, every field of each, in a fragment to pass the field limit.
 */
export const WORST_AUDIT = `{ ${Array.from({ length: 30 }, (_, i) => `p${i}: auditTrail(first: 500) { edges { cursor node { ...E } } }`).join(' ')} }
  fragment E on AuditEntry { position eventId eventType streamId occurredAt recordedAt organisationId userId roles correlationId causationId summary data entityType entityId masterplanId }`;

interface Probe {
  count: number;
  failures: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** /health/live asked from a process of its own for `seconds`. */
export async function probe(url: string, seconds: number): Promise<Probe> {
  const run = await runWatched(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', prober, url, String(seconds)],
    {},
  );
  const line = run.output.split('\n').find((l) => l.startsWith('{"count"'));
  if (run.code !== 0 || !line) throw new Error(`health prober failed: ${run.output}`);
  return JSON.parse(line) as Probe;
}

/**
 * A flood of the worst queries from 50 connections and one address, against the server as
 * it would be deployed (every limit at its default, rates included), on a log of 100,000
 * (quick) or 1,000,000 events; meanwhile a prober asks /health/live. Beside it, the same
 * prober against the same server with no flood.
 */
export async function floodBenchmarks(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-flood-'));
  const seconds = quick ? 5 : 15;
  try {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), durability: 'NORMAL' });
    await writeDataset(store, quick ? 100_000 : 1_000_000);
    await store.close();
    const representative = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: repOf(0),
      roles: [],
    });
    const { child, url } = await startServer(server, dir, {});
    let peakMb = 0;
    const watch = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child.pid!))), 50);
    try {
      // Measured once the read models have caught up with the log (a server catching up is
      // another benchmark: rebuild).
      for (;;) {
        const ready = await fetch(url.replace(/\/graphql$/, '/health/ready'));
        if (ready.status === 200) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const health = url.replace(/\/graphql$/, '/health/live');
      const calm = await probe(health, seconds);
      let refusedByLimits = 0;
      const flood = autocannon({
        setupClient: (client) =>
          client.on(
            'body',
            (b: Buffer) => (refusedByLimits += b.includes('LIMIT_EXCEEDED') ? 1 : 0),
          ),
        url,
        method: 'POST',
        connections: 50,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        requests: [
          ...WORST_QUERIES.map((query) => ({
            method: 'POST' as const,
            body: JSON.stringify({ query }),
          })),
          {
            method: 'POST' as const,
            body: JSON.stringify({ query: WORST_AUDIT }),
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${representative}`,
            },
          },
        ],
      });
      const underFlood = await probe(health, seconds);
      const flooded = await flood;
      const what = `${Math.round(flooded.requests.average)} worst queries/s from 50 connections: ${flooded.non2xx} refused by rate, ${refusedByLimits} by limits`;
      return {
        'flood.health.p50': figure(
          underFlood.p50,
          'ms',
          calm.p50,
          '/health/live p50 with no flood',
        ),
        'flood.health.p99': figure(
          underFlood.p99,
          'ms',
          calm.p99,
          `/health/live p99 with no flood; flood: ${what}`,
          { text: '< 100 ms', met: (f) => f.value < 100 && underFlood.failures === 0 },
        ),
        'flood.health.max': figure(
          underFlood.max,
          'ms',
          calm.max,
          '/health/live max with no flood',
        ),
        'flood.health.probes': figure(
          underFlood.count,
          `answers (${underFlood.failures} failed)`,
          calm.count,
          'answers with no flood',
        ),
        'flood.server.peak-rss': figure(peakMb, 'MB', 300, 'target, the flooded server'),
      };
    } finally {
      clearInterval(watch);
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
