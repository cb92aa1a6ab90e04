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

/** All read models, in the order they apply an event (the audit last: it quotes the others). */
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

/** Bumped whenever a table or what a projection writes changes; a mismatch rebuilds from zero. */
export const READ_MODEL_VERSION = 5;

const statementsOf = (schema: string) =>
  schema
    .split(';')
    .map((sql) => sql.trim())
    .filter((sql) => sql.length > 0);

const isIndex = (sql: string) => /^CREATE INDEX/i.test(sql);

/** The secondary indexes of all read models (a bulk load creates them after the rows). */
const READ_MODEL_INDEXES = PROJECTIONS.flatMap((p) => statementsOf(p.schema)).filter(isIndex);

/**
 * Creates the tables; a read store of another read-model version is emptied first. With
 * `withoutIndexes`, secondary indexes are left for `createReadModelIndexes` (bulk loads).
 */
export function prepareReadModels(
  store: ReadStore,
  options: { withoutIndexes?: boolean } = {},
): void {
  const version = store.db.pragma('user_version', { simple: true }) as number;
  if (version !== READ_MODEL_VERSION) {
    const tables = store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    for (const table of tables) store.db.exec(`DROP TABLE "${table}"`);
    store.db.exec(
      `CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID`,
    );
  }
  for (const projection of PROJECTIONS) {
    for (const sql of statementsOf(projection.schema)) {
      if (!options.withoutIndexes || !isIndex(sql)) store.db.exec(sql);
    }
  }
  store.db.pragma(`user_version = ${READ_MODEL_VERSION}`);
}

export function createReadModelIndexes(store: ReadStore): void {
  for (const sql of READ_MODEL_INDEXES) store.db.exec(sql);
}

const READERS = new Map<string, Projection[]>();
for (const projection of PROJECTIONS)
  for (const type of projection.canHandle)
    READERS.set(type, [...(READERS.get(type) ?? []), projection]);

export function project(store: ReadStore, event: StoredEvent): void {
  for (const projection of READERS.get(event.type) ?? []) projection.apply(event, store);
}
