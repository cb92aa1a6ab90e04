import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { peakRssMb, runWatched, startServer as startBuilt } from './lib/child.js';
import { declareCommitmentLoad } from './lib/declare-load.js';
import { BENCH_MASTERPLAN, measureId, writeDataset } from './lib/dataset.js';
import { figure, now, percentile, sortNumbers, type Figures } from './lib/figures.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const server = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

const MASTERPLAN = `{ masterplan(id: "aachen-2020") { title status
  themeFields { name measures { id title kind status percentComplete
    assignments { role actor { name } }
    commitments { statement status dueDate actor { name } } } } } }`;
const AUDIT_PAGE = `{ auditTrail(first: 50, order: NEWEST_FIRST, filter: { masterplanId: "${BENCH_MASTERPLAN}", eventTypes: [CommitmentDeclared, CommitmentWithdrawn] }) {
  edges { cursor node { position eventType occurredAt userId organisationId summary data } } pageInfo { hasNextPage endCursor } } }`;

/** The built server on `dir`, once it listens. */
const startServer = (dir: string, env: Record<string, string>) => startBuilt(server, dir, env);

async function post(
  url: string,
  query: string,
  token?: string,
): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** autocannon against one query; fails loudly if any answer is not a clean 200 without errors. */
async function load(
  url: string,
  body: string,
  seconds: number,
  headers: Record<string, string> = {},
) {
  let graphqlErrors = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 50,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    setupClient: (client) =>
      client.on('body', (b: Buffer) => (graphqlErrors += b.includes('"errors"') ? 1 : 0)),
  });
  if (result.non2xx || result.errors || graphqlErrors)
    throw new Error(
      `load run had failures: non2xx=${result.non2xx} errors=${result.errors} graphql=${graphqlErrors}`,
    );
  return result;
}

export async function graphqlBenchmarks(quick: boolean): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-graphql-'));
  const total = quick ? 100_000 : 1_000_000;
  const seconds = quick ? 5 : 15;
  try {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), durability: 'NORMAL' });
    const { events } = await writeDataset(store, total);
    await store.close();
    const seeded = await runWatched(process.execPath, [cli, 'seed-demo'], { DATA_DIR: dir });
    if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.output}`);

    // The server's capacity is measured from one address: rate limits would measure
    // themselves instead, so they are off here (every other limit stays on).
    const { child, url } = await startServer(dir, {
      LIMIT_REQUESTS_PER_MINUTE: '0',
      LIMIT_MUTATIONS_PER_MINUTE: '0',
    });
    let peakMb = 0;
    // The peak of each phase too, so that a miss says where the memory goes.
    const phases: Record<string, number> = {};
    let phase = 'catch-up';
    const watch = setInterval(() => {
      const rss = peakRssMb(child.pid!);
      peakMb = Math.max(peakMb, rss);
      phases[phase] = Math.max(phases[phase] ?? 0, rss);
    }, 50);
    try {
      // Wait until the server's read models have caught up with the whole log.
      for (;;) {
        const status = await post(url, '{ projectionStatus { name lagEvents } }');
        const statuses = status.data?.projectionStatus as Array<{ lagEvents: number }> | undefined;
        if (statuses && statuses.every((s) => s.lagEvents === 0)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const key = await loadOrCreateSigningKey(dir);
      const admin = await issueToken(key, { userId: 'bench.admin', roles: ['administrator'] });

      phase = 'reads';
      const trivial = await load(url, JSON.stringify({ query: '{ health { status } }' }), seconds);
      const plan = await load(url, JSON.stringify({ query: MASTERPLAN }), seconds);
      const audit = await load(url, JSON.stringify({ query: AUDIT_PAGE }), seconds, {
        authorization: `Bearer ${admin}`,
      });

      phase = 'mutations';
      const measures = Math.round(total / 100);
      const { result: mutations, errors: mutationErrors } = await declareCommitmentLoad(
        url,
        dir,
        measures,
        seconds,
      );

      phase = 'time travel';
      // Time travel at 1M events: a position early and one late in the log, each asked afresh.
      const positions: string[] = [];
      const trail = await post(
        url,
        `{ auditTrail(first: 1, order: OLDEST_FIRST) { edges { node { position } } } }`,
        admin,
      );
      const first = (trail.data?.auditTrail as { edges: Array<{ node: { position: string } }> })
        .edges[0]!.node.position;
      const last = (
        (
          await post(
            url,
            `{ auditTrail(first: 1, order: NEWEST_FIRST) { edges { node { position } } } }`,
            admin,
          )
        ).data?.auditTrail as { edges: Array<{ node: { position: string } }> }
      ).edges[0]!.node.position;
      const at = (share: number, k: number) =>
        String(Math.round(Number(first) + (Number(last) - Number(first)) * share) + k).padStart(
          first.length,
          '0',
        );
      // Each past moment asked once, and the same query on the present (made uncacheable by a
      // fresh alias): the baseline, since both answers hold every measure of the masterplan.
      const timed = async (query: string) => {
        const t = now();
        const r = await post(url, query);
        if (r.errors) throw new Error(JSON.stringify(r.errors));
        return now() - t;
      };
      const asOf = async (share: number) => {
        const latencies: number[] = [];
        for (let k = 0; k < (quick ? 5 : 10); k++) {
          positions.push(at(share, k));
          latencies.push(
            await timed(
              `{ masterplan(id: "${BENCH_MASTERPLAN}", asOfPosition: "${at(share, k)}") { title asOfPosition measures { id } } }`,
            ),
          );
        }
        return sortNumbers(latencies);
      };
      const early = await asOf(0.1);
      const late = await asOf(0.9);
      const present: number[] = [];
      for (let k = 0; k < (quick ? 5 : 10); k++)
        present.push(
          await timed(`{ masterplan(id: "${BENCH_MASTERPLAN}") { t${k}: title measures { id } } }`),
        );
      const presentSorted = sortNumbers(present);
      // One measure (about a hundred events of its own) at past moments of the same long
      // log: an answer of everyday size, so what is left is the cost of reaching the past.
      const measureAsOf: number[] = [];
      for (let k = 0; k < (quick ? 6 : 20); k++)
        measureAsOf.push(
          await timed(
            `{ measure(id: "${measureId((k * 997) % measures)}", asOfPosition: "${at(k % 2 ? 0.9 : 0.3, k + 20)}") { title status percentComplete version assignments { role actor { name } } commitments { statement status actor { name } } } }`,
          ),
        );
      const measureAsOfSorted = sortNumbers(measureAsOf);

      const p = (r: autocannon.Result, q: 'p50' | 'p99') => r.latency[q];
      const trivialRps = trivial.requests.average;
      return {
        'graphql.masterplan.rps': figure(
          plan.requests.average,
          'requests/s',
          trivialRps,
          '{ health } on the same server, 50 connections',
        ),
        'graphql.masterplan.p50': figure(p(plan, 'p50'), 'ms', p(trivial, 'p50'), '{ health } p50'),
        'graphql.masterplan.p99': figure(
          p(plan, 'p99'),
          'ms',
          p(trivial, 'p99'),
          '{ health } p99',
          { text: '< 20 ms', met: (f) => f.value < 20 },
        ),
        'graphql.audit-page.rps': figure(
          audit.requests.average,
          'requests/s',
          trivialRps,
          '{ health }, 50 connections',
        ),
        'graphql.audit-page.p50': figure(
          p(audit, 'p50'),
          'ms',
          p(trivial, 'p50'),
          '{ health } p50',
        ),
        'graphql.audit-page.p99': figure(
          p(audit, 'p99'),
          'ms',
          p(trivial, 'p99'),
          '{ health } p99',
          { text: '< 20 ms', met: (f) => f.value < 20 },
        ),
        'graphql.declare-commitment.rps': figure(
          mutations.requests.average,
          `mutations/s (${mutationErrors} errors, ${mutations.non2xx} non-2xx)`,
          trivialRps,
          '{ health }, 50 connections',
          { text: '≥ 1,500/s', met: (f) => f.value >= 1500 && mutationErrors === 0 },
        ),
        'graphql.declare-commitment.p99': figure(
          p(mutations, 'p99'),
          'ms',
          p(trivial, 'p99'),
          '{ health } p99',
        ),
        'graphql.as-of-early.p99': figure(
          percentile(early, 99),
          'ms',
          percentile(presentSorted, 99),
          'the same query now (no asOf), p99; target < 50 ms',
          { text: '< 50 ms', met: (f) => f.value < 50 },
        ),
        'graphql.as-of-late.p99': figure(
          percentile(late, 99),
          'ms',
          percentile(presentSorted, 99),
          'the same query now (no asOf), p99; target < 50 ms',
          { text: '< 50 ms', met: (f) => f.value < 50 },
        ),
        'graphql.measure-as-of.p99': figure(
          percentile(measureAsOfSorted, 99),
          'ms',
          50,
          'target (one measure with its assignments and commitments, 30 % and 90 % into the log)',
          { text: '< 50 ms', met: (f) => f.value < 50 },
        ),
        ...Object.fromEntries(
          Object.entries(phases).map(([name, mb]) => [
            `graphql.server.peak-rss.${name.replace(' ', '-')}`,
            figure(mb, 'MB', 300, `target, while ${name}`),
          ]),
        ),
        'graphql.server.peak-rss': figure(peakMb, 'MB', 300, `target, over ${events} events`, {
          text: '< 300 MB',
          met: (f) => f.value < 300,
        }),
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
