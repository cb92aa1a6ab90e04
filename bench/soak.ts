import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { issueToken, loadOrCreateSigningKey } from '@ml/auth';
import { ACTORS, ADMIN } from '../apps/cli/src/seed/aachen-demo.data.js';
import { rssMb, runWatched, startServer } from './lib/child.js';
import { round } from './lib/figures.js';
import { ask, Tally } from './lib/soak-client.js';
import { drive, lanes, MASTERPLAN_ID, Subscribers, type World } from './lib/soak-load.js';

/**
 * `npm run soak [-- --minutes 60]`: an hour (by default) of mixed load against the built
 * server on the Aachen demo, its memory sampled all along. Prints the server's RSS at start,
 * its peak and end and the trend over the second half (a leak shows as steady growth), the
 * rate of each kind of request and every error by code; any error that is not the client's
 * fails the soak (exit code 1). The JSON result goes to bench/results/soak-<time>.json.
 */
const { values: options } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    'sample-seconds': { type: 'string', default: '5' },
    /** The server to soak (a built main.js); by default this checkout's dist/. */
    server: { type: 'string' },
    /** Heap snapshots of the server after the warm-up and at the end, into bench/results/. */
    'heap-snapshots': { type: 'boolean', default: false },
  },
});
const minutes = Number(options.minutes);
const sampleSeconds = Number(options['sample-seconds']);
if (!(minutes > 0) || !(sampleSeconds > 0))
  throw new Error('--minutes and --sample-seconds are positive numbers');

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const main = options.server ?? join(root, 'dist', 'apps', 'api', 'src', 'main.js');
const results = join(root, 'bench', 'results');
const CHURN_EVERY_MS = 5 * 60_000;
const WARM_UP_MS = Math.min(60_000, (minutes * 60_000) / 10);

interface Sample {
  /** Seconds since the load began. */
  t: number;
  rssMb: number;
  heapUsedMb: number | null;
  lagEvents: number;
  events: number;
}

/** The heap in use as /metrics says (prom-client's process metrics), when the server has it. */
async function heapUsedMb(base: string): Promise<number | null> {
  try {
    const response = await fetch(`${base}/metrics`);
    if (!response.ok) return null;
    const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(
      await response.text(),
    );
    return match ? Number(match[1]) / 2 ** 20 : null;
  } catch {
    return null;
  }
}

/** Least-squares slope of RSS over time, in MB per hour. */
function slopePerHour(samples: Sample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanT = samples.reduce((s, x) => s + x.t, 0) / n;
  const meanR = samples.reduce((s, x) => s + x.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const { t, rssMb } of samples) {
    num += (t - meanT) * (rssMb - meanR);
    den += (t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

const dir = mkdtempSync(join(tmpdir(), 'ml-soak-'));
mkdirSync(results, { recursive: true });
const startedAt = new Date();
const loadAtStart = loadavg();
process.stderr.write(`soak: ${minutes} min of mixed load; seeding the Aachen demo in ${dir}\n`);
const seeded = await runWatched(process.execPath, [cli, 'seed-demo'], { DATA_DIR: dir });
if (seeded.code !== 0) throw new Error(`seed-demo failed: ${seeded.output}`);

// All the load comes from this one address: the per-address request rate would refuse it.
// Every other limit stays at its default, the per-user mutation rate included.
const { child, url } = await startServer(
  main,
  dir,
  { LIMIT_REQUESTS_PER_MINUTE: '0' },
  // Not SIGUSR2, the usual one: Nest's shutdown hooks stop the server on it.
  options['heap-snapshots']
    ? ['--heapsnapshot-signal=SIGWINCH', `--diagnostic-dir=${results}`]
    : [],
);
const base = url.replace(/\/graphql$/, '');
const pid = child.pid!;
// However the soak ends, the server goes with it.
process.on('exit', () => child.kill('SIGTERM'));

const key = await loadOrCreateSigningKey(dir);
const ttl = `${Math.ceil(minutes) + 60}m`;
const admin = await issueToken(key, { userId: ADMIN.userId, roles: ['administrator'] }, ttl);
const reps = new Map<string, string>();
for (const actor of ACTORS)
  reps.set(actor.id, await issueToken(key, { userId: actor.rep, roles: [] }, ttl));

const setup = new Tally('setup');
const plan = await ask(
  url,
  setup,
  `{ masterplan(id: "${MASTERPLAN_ID}") { themeFields { id measures { id status assignments { actor { id } } } } } actors { id commitments { status measure { id } } } }`,
  {},
  admin,
);
if (!plan.data) throw new Error(`cannot read the demo plan: ${plan.code} ${plan.message}`);
type PlanData = {
  masterplan: {
    themeFields: Array<{
      id: string;
      measures: Array<{
        id: string;
        status: string;
        assignments: Array<{ actor: { id: string } }>;
      }>;
    }>;
  };
  actors: Array<{
    id: string;
    commitments: Array<{ status: string; measure: { id: string } | null }>;
  }>;
};
const { masterplan, actors } = plan.data as PlanData;
const measures = masterplan.themeFields.flatMap((f) => f.measures);
const world: World = {
  url,
  admin,
  reps,
  themeFields: masterplan.themeFields.map((f) => f.id),
  openMeasures: measures.filter((m) => m.status === 'OPEN').map((m) => m.id),
  committedSince: new Map(
    actors.map((a) => [
      a.id,
      new Set(
        a.commitments.filter((c) => c.status === 'ACTIVE').flatMap((c) => c.measure?.id ?? []),
      ),
    ]),
  ),
  assigned: new Set(measures.flatMap((m) => m.assignments.map((a) => `${a.actor.id} ${m.id}`))),
  pastViews: [],
  startedAt,
};

const samples: Sample[] = [];
const loadStarted = Date.now();
const status = new Tally('status');
async function sample(): Promise<Sample> {
  const projections = await ask(url, status, '{ projectionStatus { head lagEvents } }');
  const rows =
    (projections.data?.projectionStatus as Array<{ head: string; lagEvents: number }>) ?? [];
  return {
    t: (Date.now() - loadStarted) / 1000,
    rssMb: round(rssMb(pid)),
    heapUsedMb: await heapUsedMb(base).then((mb) => (mb === null ? null : round(mb))),
    lagEvents: Math.max(0, ...rows.map((r) => r.lagEvents)),
    events: Number(rows[0]?.head ?? 0),
  };
}
const idle = await sample();

const load = lanes(world);
const subscribers = new Subscribers(url, admin);
subscribers.start(6);
let snapshots = 0;
const snapshot = () => {
  if (!options['heap-snapshots']) return;
  snapshots++;
  child.kill('SIGWINCH');
};
const timers = [
  setInterval(() => void sample().then((s) => samples.push(s)), sampleSeconds * 1000),
  setInterval(() => subscribers.churn(), CHURN_EVERY_MS),
  setInterval(() => {
    const last = samples[samples.length - 1];
    const sent = load.reduce((sum, lane) => sum + lane.tally.durations.length, 0);
    const failures = load.reduce((sum, lane) => sum + lane.tally.serverFailures, 0);
    process.stderr.write(
      `soak: ${Math.round((Date.now() - loadStarted) / 60_000)} min, RSS ${last?.rssMb ?? '?'} MB, ${round(sent / ((Date.now() - loadStarted) / 1000))} requests/s, ${failures} server failures, ${last?.events ?? '?'} events\n`,
    );
  }, 60_000),
];
setTimeout(snapshot, WARM_UP_MS).unref();
await drive(load, new Promise((resolve) => setTimeout(resolve, minutes * 60_000)));
for (const timer of timers) clearInterval(timer);
subscribers.closeAll();
samples.push(await sample());
snapshot();
// A heap snapshot stops the server while it is written.
if (snapshots > 0) await new Promise((resolve) => setTimeout(resolve, 30_000));
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
rmSync(dir, { recursive: true, force: true });

const seconds = (Date.now() - loadStarted) / 1000;
const underLoad = samples.filter((s) => s.t * 1000 >= WARM_UP_MS);
const secondHalf = samples.filter((s) => s.t >= seconds / 2);
const peak = samples.reduce((a, b) => (b.rssMb > a.rssMb ? b : a), samples[0]!);
const heaps = samples.map((s) => s.heapUsedMb).filter((h): h is number => h !== null);
const tallies = [...load.map((l) => l.tally), subscribers.tally];
const failures = tallies.reduce((sum, t) => sum + t.serverFailures, 0);
const summary = {
  kind: 'soak',
  startedAt: startedAt.toISOString(),
  minutes,
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadAtStart.map((l) => round(l)),
    loadAverageAtEnd: loadavg().map((l) => round(l)),
  },
  rssMb: {
    idle: idle.rssMb,
    start: underLoad[0]?.rssMb ?? samples[0]?.rssMb,
    peak: peak.rssMb,
    peakAtMinute: round(peak.t / 60),
    end: samples[samples.length - 1]!.rssMb,
    slopeSecondHalfMbPerHour: round(slopePerHour(secondHalf)),
    slopeAfterWarmUpMbPerHour: round(slopePerHour(underLoad)),
  },
  heapUsedMb:
    heaps.length > 0
      ? { start: heaps[0], peak: Math.max(...heaps), end: heaps[heaps.length - 1] }
      : 'not available (the server has no /metrics)',
  events: { atStart: idle.events, atEnd: samples[samples.length - 1]!.events },
  maxProjectionLagEvents: Math.max(...samples.map((s) => s.lagEvents)),
  requestsPerSecond: round(tallies.reduce((sum, t) => sum + t.durations.length, 0) / seconds),
  lanes: Object.fromEntries(tallies.map((t) => [t.name, t.summary(seconds)])),
  subscriptions: { opened: subscribers.opened, messages: subscribers.messages },
  serverFailures: failures,
  samples,
};

const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const file = join(results, `soak-${stamp}.json`);
writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
// Node names them Heap.<date>.<time>.<pid>…; this run's are those of its server.
for (const name of readdirSync(results).filter(
  (f) => f.startsWith(`Heap.`) && f.includes(`.${pid}.`),
))
  renameSync(join(results, name), join(results, `soak-${stamp}-${name}`));

const r = summary.rssMb;
console.log(
  `\nSoak of ${minutes} min, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${summary.machine.loadAverageAtStart.join(' ')} at start`,
);
console.log(
  `server RSS: idle ${idle.rssMb} MB, start ${r.start} MB, peak ${r.peak} MB (minute ${r.peakAtMinute}), end ${r.end} MB; trend over the second half ${r.slopeSecondHalfMbPerHour} MB/h`,
);
if (heaps.length > 0) console.log(`heap used: ${JSON.stringify(summary.heapUsedMb)}`);
console.log(
  `events ${summary.events.atStart} → ${summary.events.atEnd}; ${summary.requestsPerSecond} requests/s; projection lag at most ${summary.maxProjectionLagEvents} events; subscriptions ${subscribers.opened} opened, ${subscribers.messages} messages`,
);
for (const tally of load.map((l) => l.tally)) {
  const s = tally.summary(seconds);
  console.log(
    `  ${tally.name.padEnd(28)} ${String(s.perSecond).padStart(6)}/s  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  ${Object.keys(s.errorsByCode).length > 0 ? JSON.stringify(s.errorsByCode) : 'no errors'}${s.skipped > 0 ? `  skipped ${s.skipped}` : ''}`,
  );
}
if (subscribers.tally.durations.length > 0)
  console.log(`  subscriptions ended or refused: ${JSON.stringify(subscribers.tally.codes)}`);
console.log(`${failures === 0 ? 'PASSED' : 'FAILED'}: ${failures} server failures; wrote ${file}`);
process.exitCode = failures === 0 ? 0 : 1;
