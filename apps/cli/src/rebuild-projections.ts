import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Configuration } from '@ml/config';
import { openEventStore, openExclusively } from '@ml/event-store';
import { existingEventStoreConfig } from './existing-store.js';
import { progressLine } from './progress.js';
import {
  EventNotApplied,
  ReadStore,
  projectionsNamed,
  rebuildReadModels,
  type Projection,
} from '@ml/masterplan';

/**
 * Rebuilds this instance's read models from position zero into a new file, then puts it in
 * place of the old one, keeping the reactions' checkpoint. With `--read-model <name>`
 * (repeatable), only those are built again, in a copy of the live file where the others
 * stay as they are. Run it while the server is stopped.
 */
export async function rebuildProjections(
  args: string[],
  configuration: Configuration,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'read-model': { type: 'string', multiple: true } },
  });
  let only: Projection[] | undefined;
  if (values['read-model']) {
    const named = projectionsNamed(values['read-model']);
    if (typeof named === 'string') throw new RebuildFailed(named);
    only = named;
  }
  const config = existingEventStoreConfig(configuration);
  const live = ReadStore.fileIn(config.dataDir);
  // A server using these read models would go on writing the file this replaces.
  if (existsSync(live)) openExclusively(live).close();
  const store = openEventStore(config);
  const fresh = `${live}.rebuild`;
  let target: ReadStore | undefined;
  let done = false;
  try {
    let total = 0;
    for await (const _ of store.readAll()) total++;
    removeFiles(fresh);
    if (only && existsSync(live)) {
      const source = new Database(live, { readonly: true, fileMustExist: true });
      try {
        await source.backup(fresh);
      } finally {
        source.close();
      }
    } else {
      only = undefined;
    }
    target = new ReadStore(fresh);
    if (!only && existsSync(live)) {
      const old = new ReadStore(live);
      const reactions = old.checkpoint('reactions');
      old.close();
      if (reactions !== 'start' && reactions !== 'end')
        target.saveCheckpoint('reactions', reactions);
    }
    const progress = progressLine(total, 'events');
    let applied: number;
    try {
      applied = await rebuildReadModels(store, target, progress.show, only);
    } catch (error) {
      progress.end();
      if (error instanceof EventNotApplied)
        throw new RebuildFailed(
          `Rebuild stopped: ${error.message}. The read models in ${live} were left as they were; see docs/operations.md`,
        );
      throw error;
    }
    progress.done(applied);
    target.close();
    ReadStore.replace(fresh, live);
    done = true;
    const seconds = progress.seconds();
    const which = only ? `read models ${only.map((p) => p.name).join(', ')}` : 'read models';
    console.log(
      `Rebuilt the ${which} from ${applied} events in ${seconds.toFixed(2)} s (${Math.round(applied / Math.max(seconds, 0.001))} events/s): ${live}`,
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
