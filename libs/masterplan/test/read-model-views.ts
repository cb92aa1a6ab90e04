import { prepareReadModels, project } from '../src/projections/projections.js';
import { ReadStore } from '../src/read-store/read-store.js';
import { NOW } from '../src/read-store/temporal.js';
import type { StoredEvent } from '../src/shared/stored-event.js';

/** Every row of every read-model table, in a stable order (checkpoint times left out). */
export function dump(store: ReadStore): Record<string, unknown[]> {
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      store.db
        .prepare(`SELECT * FROM "${t}"`)
        .all()
        .map((r) => JSON.stringify({ ...(r as object), updated_at: undefined }))
        .sort(),
    ]),
  );
}

/** The rows the read models show at log position `at` (the audit trail aside), without their validity. */
export function shown(store: ReadStore, at: string): Record<string, string[]> {
  const tables = store.db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'audit%' AND name NOT IN ('checkpoints', 'read_models') ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      store.db
        .prepare(`SELECT * FROM "${t}" WHERE valid_from <= @at AND valid_to > @at`)
        .all({ at })
        .map((r) =>
          JSON.stringify({ ...(r as object), valid_from: undefined, valid_to: undefined }),
        )
        .sort(),
    ]),
  );
}

/** The read models folded from scratch out of the given events: what a past view must equal. */
export function folded(events: StoredEvent[]): Record<string, string[]> {
  const scratch = ReadStore.scratch();
  try {
    prepareReadModels(scratch);
    scratch.transaction(() => events.forEach((e) => project(scratch, e)));
    return shown(scratch, NOW);
  } finally {
    scratch.close();
  }
}
