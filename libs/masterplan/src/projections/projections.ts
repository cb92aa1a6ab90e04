import { actorsProjection } from '../actors/actors.projection.js';
import { auditProjection } from '../audit/audit.projection.js';
import { commitmentsProjection } from '../commitments/commitments.projection.js';
import { declarationsProjection } from '../declarations/declarations.projection.js';
import { dialoguesProjection } from '../dialogues/dialogues.projection.js';
import { masterplansProjection } from '../masterplans/masterplans.projection.js';
import { measuresProjection } from '../measures/measures.projection.js';
import { proposalsProjection } from '../proposals/proposals.projection.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { workingGroupsProjection } from '../working-groups/working-groups.projection.js';
import type { Projection } from './projection.js';

/** All read models, in the order they are listed (each reads only its own tables). */
export const PROJECTIONS: readonly Projection[] = [
  actorsProjection,
  masterplansProjection,
  dialoguesProjection,
  workingGroupsProjection,
  proposalsProjection,
  measuresProjection,
  commitmentsProjection,
  declarationsProjection,
  auditProjection,
];

/**
 * The layout of the read store: one version and checkpoint per projection. A store of an
 * older layout (one version for all) is emptied once.
 */
const LAYOUT = 6;

/** The checkpoint of one read model. */
export const checkpointOf = (projection: Projection): string => `read-model:${projection.name}`;

const statementsOf = (schema: string) =>
  schema
    .split(';')
    .map((sql) => sql.trim())
    .filter((sql) => sql.length > 0);

const isIndex = (sql: string) => /^CREATE INDEX/i.test(sql);

const tablesOf = (projection: Projection): string[] =>
  [...projection.schema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/gi)].map((m) => m[1]!);

/**
 * Creates the tables. A projection whose version differs from the one its tables were
 * built with is emptied and starts again from the beginning of the log (its checkpoint
 * goes); the others keep what they have. With `withoutIndexes`, secondary indexes are left
 * for `createReadModelIndexes` (bulk loads). Returns the names of the projections emptied.
 */
export function prepareReadModels(
  store: ReadStore,
  options: { withoutIndexes?: boolean } = {},
): string[] {
  const emptied: string[] = [];
  store.transaction(() => {
    if ((store.db.pragma('user_version', { simple: true }) as number) !== LAYOUT) {
      const tables = store.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .pluck()
        .all() as string[];
      for (const table of tables) store.db.exec(`DROP TABLE "${table}"`);
      store.db.exec(
        `CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TABLE read_models (name TEXT PRIMARY KEY, version INTEGER NOT NULL, tables TEXT NOT NULL) WITHOUT ROWID`,
      );
      store.db.pragma(`user_version = ${LAYOUT}`);
    }
    const built = new Map(
      store.db
        .prepare('SELECT name, version, tables FROM read_models')
        .all()
        .map((row) => {
          const r = row as { name: string; version: number; tables: string };
          return [r.name, { version: r.version, tables: JSON.parse(r.tables) as string[] }];
        }),
    );
    for (const projection of PROJECTIONS) {
      const before = built.get(projection.name);
      if (before?.version !== projection.version) {
        for (const table of new Set([...(before?.tables ?? []), ...tablesOf(projection)]))
          store.db.exec(`DROP TABLE IF EXISTS "${table}"`);
        store.run('DELETE FROM checkpoints WHERE name = ?', checkpointOf(projection));
        store.run(
          'INSERT OR REPLACE INTO read_models (name, version, tables) VALUES (?, ?, ?)',
          projection.name,
          projection.version,
          JSON.stringify(tablesOf(projection)),
        );
        emptied.push(projection.name);
      }
      for (const sql of statementsOf(projection.schema))
        if (!options.withoutIndexes || !isIndex(sql)) store.db.exec(sql);
    }
  });
  return emptied;
}

/** The secondary indexes of all read models (a bulk load creates them after the rows). */
export function createReadModelIndexes(store: ReadStore): void {
  for (const projection of PROJECTIONS)
    for (const sql of statementsOf(projection.schema)) if (isIndex(sql)) store.db.exec(sql);
}

const READERS = new Map<string, Projection[]>();
for (const projection of PROJECTIONS)
  for (const type of projection.canHandle)
    READERS.set(type, [...(READERS.get(type) ?? []), projection]);

/** Applies one event to every read model that handles it, or only to those in `only`. */
export function project(
  store: ReadStore,
  event: StoredEvent,
  only?: ReadonlySet<Projection>,
): void {
  for (const projection of READERS.get(event.type) ?? [])
    if (!only || only.has(projection)) projection.apply(event, store);
}

/** The read models by name, or a message naming the unknown ones and the known ones. */
export function projectionsNamed(names: readonly string[]): Projection[] | string {
  const unknown = names.filter((name) => !PROJECTIONS.some((p) => p.name === name));
  if (unknown.length > 0)
    return `No read model is called ${unknown.map((n) => `'${n}'`).join(', ')}; the read models are ${PROJECTIONS.map((p) => p.name).join(', ')}`;
  return PROJECTIONS.filter((projection) => names.includes(projection.name));
}

/**
 * Marks read models to be built again from the beginning of the log: the next
 * `prepareReadModels` empties them as if their version had changed.
 */
export function forgetReadModels(store: ReadStore, projections: readonly Projection[]): void {
  store.transaction(() => {
    for (const projection of projections)
      store.run('DELETE FROM read_models WHERE name = ?', projection.name);
  });
}
