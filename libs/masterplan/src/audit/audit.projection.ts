import { occurredAt, projection } from '../projections/projection.js';
import { SCHEMA_VERSIONS, type MasterplanDomainEventType } from '../shared/event-catalogue.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { OPEN } from '../read-store/temporal.js';
import { entitiesOf, primaryEntity, type EntityType } from './entities.js';
import { summarize, type Names } from './summary.js';

/**
 * One row per stored event, with who, for whom, on what and a human summary, indexed for
 * the audit questions: by organisation, user, entity, masterplan, type, time, correlation.
 * It runs after the other projections, so the names it quotes are those of that moment.
 */
export const auditProjection = projection({
  name: 'audit',
  version: 1,
  canHandle: Object.keys(SCHEMA_VERSIONS) as MasterplanDomainEventType[],
  schema: `
    CREATE TABLE IF NOT EXISTS audit_entries (
      seq INTEGER PRIMARY KEY, position TEXT NOT NULL UNIQUE, event_id TEXT NOT NULL, event_type TEXT NOT NULL, stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, masterplan_id TEXT,
      user_id TEXT, organisation_id TEXT, roles TEXT NOT NULL, correlation_id TEXT, causation_id TEXT,
      occurred_at TEXT NOT NULL, occurred_high TEXT NOT NULL, recorded_at TEXT NOT NULL, data TEXT NOT NULL,
      summary TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_by_organisation ON audit_entries (organisation_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_user ON audit_entries (user_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_masterplan ON audit_entries (masterplan_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_type ON audit_entries (event_type, position);
    CREATE INDEX IF NOT EXISTS audit_by_correlation ON audit_entries (correlation_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_stream ON audit_entries (stream_id, position);
    CREATE TABLE IF NOT EXISTS audit_entities (
      entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, position TEXT NOT NULL,
      PRIMARY KEY (entity_type, entity_id, position)
    ) WITHOUT ROWID;
  `,
  apply(event, store) {
    if (event.type === 'ProposalRevised') forgetProposalTitle(store, event.data.proposalId);
    const entity = primaryEntity(event);
    const masterplanId = masterplanOf(event, store);
    const acting = event.metadata.actor;
    store.run(
      `INSERT INTO audit_entries (position, event_id, event_type, stream_id, revision, entity_type, entity_id, masterplan_id,
         user_id, organisation_id, roles, correlation_id, causation_id, occurred_at, occurred_high, recorded_at, data, summary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, max(?, coalesce((SELECT occurred_high FROM audit_entries ORDER BY seq DESC LIMIT 1), '')), ?, ?, ?)`,
      event.position,
      event.id,
      event.type,
      event.streamId,
      event.revision,
      entity.type,
      entity.id,
      masterplanId,
      acting?.userId ?? null,
      acting?.organisationId ?? null,
      JSON.stringify(acting?.roles ?? []),
      event.metadata.correlationId ?? null,
      event.metadata.causationId ?? null,
      occurredAt(event),
      // The latest occurredAt so far in the log: where it exceeds this event's, the event
      // came out of order, and time travel to a moment before it must fold instead.
      occurredAt(event),
      event.recordedAt.toISOString(),
      JSON.stringify(event.data),
      summarize(event, namesIn(store)),
    );
    for (const ref of entitiesOf(event, masterplanId)) {
      store.run(
        'INSERT OR IGNORE INTO audit_entities (entity_type, entity_id, position) VALUES (?, ?, ?)',
        ref.type,
        ref.id,
        event.position,
      );
    }
  },
});

/**
 * What the audit quotes changes rarely (names) or never (which masterplan a measure belongs
 * to), so it is remembered per read store; a revised proposal title is forgotten.
 */
const remembered = new WeakMap<ReadStore, Map<string, string | null>>();

function recall(store: ReadStore, key: string, lookup: () => string | null): string | null {
  let memory = remembered.get(store);
  if (!memory) remembered.set(store, (memory = new Map()));
  if (!memory.has(key)) {
    if (memory.size > 50_000) memory.clear();
    memory.set(key, lookup());
  }
  return memory.get(key)!;
}

export function forgetProposalTitle(store: ReadStore, proposalId: string): void {
  remembered.get(store)?.delete(memoryKey('proposal', 'title', proposalId));
}

/** Where each kind of entity the audit names is kept: table and key column. */
const TABLES = {
  actor: ['actors', 'actor_id'],
  measure: ['measures', 'measure_id'],
  proposal: ['proposals', 'proposal_id'],
  masterplan: ['masterplans', 'masterplan_id'],
  dialogue: ['dialogues', 'dialogue_id'],
  workingGroup: ['working_groups', 'working_group_id'],
  declaration: ['joint_declarations', 'declaration_id'],
  commitment: ['commitments', 'commitment_id'],
} as const;

const memoryKey = (kind: keyof typeof TABLES, column: string, id: string) =>
  `${kind}-${column}:${id}`;

/** A column of an entity's current row, remembered. */
function current(
  store: ReadStore,
  kind: keyof typeof TABLES,
  column: string,
  id: string,
): string | null {
  const [table, key] = TABLES[kind];
  return recall(
    store,
    memoryKey(kind, column, id),
    () =>
      store.get<{ v: string }>(
        `SELECT ${column} AS v FROM ${table} WHERE ${key} = ? AND valid_to = '${OPEN}'`,
        id,
      )?.v ?? null,
  );
}

/**
 * The masterplan an event belongs to: named in its data, or that of an entity it concerns
 * (a measure's, a proposal's, a commitment's), as the read models hold it.
 */
function masterplanOf(event: StoredEvent, store: ReadStore): string | null {
  const data = event.data as Record<string, unknown>;
  if (typeof data.masterplanId === 'string') return data.masterplanId;
  for (const ref of entitiesOf(event)) {
    const kind = OWNED[ref.type];
    const found = kind && current(store, kind, 'masterplan_id', ref.id);
    if (found) return found;
  }
  return null;
}

/** The kinds of entity that belong to a masterplan, by their entity type. */
const OWNED: Partial<Record<EntityType, keyof typeof TABLES>> = {
  measure: 'measure',
  commitment: 'commitment',
  proposal: 'proposal',
  dialogue: 'dialogue',
  working_group: 'workingGroup',
  joint_declaration: 'declaration',
};

function namesIn(store: ReadStore): Names {
  const named = (kind: keyof typeof TABLES, column: 'name' | 'title') => (id: string) =>
    current(store, kind, column, id) ?? id;
  return {
    actor: named('actor', 'name'),
    measure: named('measure', 'title'),
    proposal: named('proposal', 'title'),
    masterplan: named('masterplan', 'title'),
    dialogue: named('dialogue', 'title'),
    workingGroup: named('workingGroup', 'name'),
  };
}
