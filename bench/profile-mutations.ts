/**
 * The `declareCommitment` load of the GraphQL benchmark alone, against a built server, for
 * profiling and for comparing two builds on the same data:
 * `node --import @swc-node/register/esm-register bench/profile-mutations.ts [seconds] [server main.js] [--cpu-prof]`.
 * The store (100k demo-shaped events, read models caught up) is made once in PROFILE_DIR and
 * copied for every run, so runs start alike; a profile lands in PROFILE_DIR/profiles.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { startServer } from './lib/child.js';
import { writeDataset } from './lib/dataset.js';
import { declareCommitmentLoad } from './lib/declare-load.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 10);
const server = args[1] ?? join(import.meta.dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
const profile = process.argv.includes('--cpu-prof');
const prepared = process.env.PROFILE_DIR ?? '/tmp/ml-profile-mutations';
const EVENTS = 100_000;

async function start(dir: string, flags: string[] = []) {
  const { child, url } = await startServer(
    server,
    dir,
    { LIMIT_REQUESTS_PER_MINUTE: '0', LIMIT_MUTATIONS_PER_MINUTE: '0' },
    flags,
  );
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ projectionStatus { lagEvents } }' }),
    });
    const body = (await response.json()) as {
      data?: { projectionStatus: Array<{ lagEvents: number }> };
    };
    if (body.data?.projectionStatus.every((p) => p.lagEvents === 0)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  };
  return { url, stop };
}

if (!existsSync(join(prepared, 'read-models.sqlite'))) {
  rmSync(prepared, { recursive: true, force: true });
  mkdirSync(prepared, { recursive: true });
  const store = new SqliteEventStore({
    file: join(prepared, 'events.sqlite'),
    durability: 'NORMAL',
  });
  await writeDataset(store, EVENTS);
  await store.close();
  await (await start(prepared)).stop();
}

const dir = mkdtempSync(join(tmpdir(), 'ml-profile-mutations-'));
try {
  cpSync(prepared, dir, { recursive: true });
  const { url, stop } = await start(
    dir,
    profile ? ['--cpu-prof', '--cpu-prof-dir', join(prepared, 'profiles')] : [],
  );
  const { result, errors } = await declareCommitmentLoad(url, dir, EVENTS / 100, seconds);
  await stop();
  console.log(
    `declareCommitment: ${Math.round(result.requests.average)}/s, p50 ${result.latency.p50} ms, ` +
      `p99 ${result.latency.p99} ms, ${errors} errors, ${result.non2xx} non-2xx`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
