import 'reflect-metadata';
import autocannon from 'autocannon';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { startServer } from './lib/child.js';
import { repOf, writeDataset } from './lib/dataset.js';
import { WORST_AUDIT, WORST_QUERIES, probe } from './flood.bench.js';

/**
 * Which of the flood's queries slows /health/live: each alone from 50 connections, then all,
 * with the prober's figures, against a server with the request rate off (so that each query
 * is measured, not the rate limit). `FLOOD_ONLY='worst audit' node --import
 * @swc-node/register/esm-register bench/profile-flood.ts [dir] [node flags, e.g. --cpu-prof]`
 * (the 100,000-event dataset is written to dir once and kept).
 */
const dir = process.argv[2] ?? '/tmp/ml-profile-flood';
const nodeFlags = process.argv.slice(3);
if (!existsSync(join(dir, 'events.sqlite'))) {
  mkdirSync(dir, { recursive: true });
  const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), durability: 'NORMAL' });
  await writeDataset(store, 100_000);
  await store.close();
}
const representative = await issueToken(await loadOrCreateSigningKey(dir), {
  userId: repOf(0),
  roles: [],
});
const main = join(import.meta.dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');
const { child, url } = await startServer(main, dir, { LIMIT_REQUESTS_PER_MINUTE: '0' }, nodeFlags);
try {
  while ((await fetch(url.replace(/\/graphql$/, '/health/ready'))).status !== 200)
    await new Promise((r) => setTimeout(r, 500));
  const health = url.replace(/\/graphql$/, '/health/live');
  const bodies: Array<[string, { body: string; headers?: Record<string, string> }]> = [
    ...WORST_QUERIES.map((query, i): [string, { body: string }] => [
      `worst query ${i}`,
      { body: JSON.stringify({ query }) },
    ]),
    [
      'worst audit',
      {
        body: JSON.stringify({ query: WORST_AUDIT }),
        headers: { authorization: `Bearer ${representative}` },
      },
    ],
  ];
  const only = process.env.FLOOD_ONLY;
  for (const [name, request] of [...bodies, ['all', undefined] as const]) {
    if (only && name !== only) continue;
    let limited = 0;
    const flood = autocannon({
      url,
      method: 'POST',
      connections: 50,
      duration: 5,
      headers: { 'content-type': 'application/json' },
      setupClient: (client) =>
        client.on('body', (b: Buffer) => (limited += b.includes('LIMIT_EXCEEDED') ? 1 : 0)),
      requests: (request ? [request] : bodies.map(([, r]) => r)).map((r) => ({
        method: 'POST' as const,
        body: r.body,
        headers: { 'content-type': 'application/json', ...r.headers },
      })),
    });
    const probed = await probe(health, 5);
    const result = await flood;
    console.log(
      `${name}: ${Math.round(result.requests.average)} requests/s (${limited} LIMIT_EXCEEDED, ${result.non2xx} non-2xx); /health/live p50 ${probed.p50.toFixed(1)} p99 ${probed.p99.toFixed(1)} max ${probed.max.toFixed(0)} ms (${probed.count} answers)`,
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
} finally {
  child.kill('SIGTERM');
}
