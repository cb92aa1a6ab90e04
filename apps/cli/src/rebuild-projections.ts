import { existsSync, rmSync } from 'node:fs';
import type { Configuration } from '@ml/config';
import { openEventStore } from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';
import { EventNotApplied, ReadStore, rebuildReadModels } from '@ml/masterplan';

/**
 * Rebuilds this instance's read models from position zero into a new file, then puts it in
 * place of the old one, keeping the reactions' checkpoint. Run it while the server is stopped.
 */
export async function rebuildProjections(configuration: Configuration): Promise<void> {
  const config = existingEventStoreConfig(configuration);
  const store = openEventStore(config);
  const live = ReadStore.fileIn(config.dataDir);
  const fresh = `${live}.rebuild`;
  let target: ReadStore | undefined;
  let done = false;
  try {
    let total = 0;
    for await (const _ of store.readAll()) total++;
    removeFiles(fresh);
    target = new ReadStore(fresh);
    if (existsSync(live)) {
      const old = new ReadStore(live);
      const reactions = old.checkpoint('reactions');
      old.close();
      if (reactions !== 'start' && reactions !== 'end')
        target.saveCheckpoint('reactions', reactions);
    }
    const started = Date.now();
    const progress = (applied: number) => {
      const seconds = (Date.now() - started) / 1000;
      const share = total === 0 ? 1 : applied / total;
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
      process.stderr.write(
        `\r[${bar}] ${applied}/${total} events  ${Math.round(applied / Math.max(seconds, 0.001))} events/s   `,
      );
    };
    let applied: number;
    try {
      applied = await rebuildReadModels(store, target, progress);
    } catch (error) {
      process.stderr.write('\n');
      if (error instanceof EventNotApplied)
        throw new RebuildFailed(
          `Rebuild stopped: ${error.message}. The read models in ${live} were left as they were; see docs/operations.md`,
        );
      throw error;
    }
    progress(applied);
    target.close();
    ReadStore.replace(fresh, live);
    done = true;
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    console.log(
      `Rebuilt the read models from ${applied} events in ${seconds.toFixed(2)} s (${Math.round(applied / Math.max(seconds, 0.001))} events/s): ${live}`,
    );
  } finally {
    // A rebuild that did not finish leaves nothing behind.
    if (!done) {
      target?.close();
      removeFiles(fresh);
    }
    await store.close();
  }
}

/** A rebuild that cannot complete; its message is the whole story (no stack needed). */
export class RebuildFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildFailed';
  }
}

function removeFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}
