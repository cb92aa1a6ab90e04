/** Profiles a rebuild: `node --cpu-prof --import @swc-node/register/esm-register bench/profile-rebuild.ts <events>`. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@ml/event-store';
import { ReadStore, rebuildReadModels } from '@ml/masterplan';
import { writeDataset } from './lib/dataset.js';

const dir = process.env.PROFILE_DIR ?? '/tmp/ml-profile';
const file = join(dir, 'events.sqlite');
const fresh = !existsSync(file);
const store = new SqliteEventStore({ file, durability: 'NORMAL' });
if (fresh) await writeDataset(store, Number(process.argv[2] ?? 100_000));
rmSync(join(dir, 'rebuilt.sqlite'), { force: true });
const target = new ReadStore(join(dir, 'rebuilt.sqlite'));
const started = performance.now();
const applied = await rebuildReadModels(store, target);
console.log(
  `${applied} events in ${((performance.now() - started) / 1000).toFixed(2)} s: ${Math.round(applied / ((performance.now() - started) / 1000))} events/s`,
);
target.close();
await store.close();
