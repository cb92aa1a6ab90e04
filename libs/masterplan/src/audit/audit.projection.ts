import type { Projection } from '../projections/projection.js';
import { occurredAt } from '../projections/projection.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { OPEN } from '../read-store/temporal.js';
import { entitiesOf, primaryEntity } from './entities.js';
import { summarize, type Names } from './summary.js';

/**
 * One row per stored event, with who, for whom, on what and a human summary, indexed for
 * the audit questions: by organisation, user, entity, masterplan, type, time, correlation.
 * It runs after the other projections, so the names it quotes are those of that moment.
 */
export const auditProjection: Projection = {
  name: 'audit',
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
    CREATE INDEX IF NOT EXISTS audit_out_of_order ON audit_entries (occurred_at) WHERE occurred_at < occurred_high;
    CREATE TABLE IF NOT EXISTS audit_entities (
      entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, position TEXT NOT NULL,
      PRIMARY KEY (entity_type, entity_id, position)
    ) WITHOUT ROWID;
  `,
  apply(event, store) {
    if (event.type === 'ProposalRevised') forgetProposalTitle(store, event.data.proposalId);
    const entity = primaryEntity(event);
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
      masterplanOf(event, store),
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
    for (const ref of entitiesOf(event)) {
      store.run(
        'INSERT OR IGNORE INTO audit_entities (entity_type, entity_id, position) VALUES (?, ?, ?)',
        ref.type,
        ref.id,
        event.position,
      );
    }
  },
};

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
  remembered.get(store)?.delete(`proposal-name:${proposalId}`);
}

function masterplanOf(event: StoredEvent, store: ReadStore): string | null {
  const data = event.data as Record<string, unknown>;
  if (typeof data.masterplanId === 'string') return data.masterplanId;
  const lookup = (kind: string, sql: string, id: unknown) =>
    typeof id === 'string'
      ? recall(store, `${kind}-plan:${id}`, () => store.get<{ m: string }>(sql, id)?.m ?? null)
      : null;
  return (
    lookup(
      'measure',
      'SELECT masterplan_id AS m FROM measures WHERE measure_id = ?',
      data.measureId,
    ) ??
    lookup(
      'proposal',
      'SELECT masterplan_id AS m FROM proposals WHERE proposal_id = ?',
      data.proposalId,
    ) ??
    lookup(
      'dialogue',
      'SELECT masterplan_id AS m FROM dialogues WHERE dialogue_id = ?',
      data.dialogueId,
    ) ??
    lookup(
      'group',
      'SELECT masterplan_id AS m FROM working_groups WHERE working_group_id = ?',
      data.workingGroupId,
    ) ??
    lookup(
      'declaration',
      'SELECT masterplan_id AS m FROM joint_declarations WHERE declaration_id = ?',
      data.declarationId,
    )
  );
}

function namesIn(store: ReadStore): Names {
  const name = (kind: string, sql: string) => (id: string) =>
    recall(store, `${kind}-name:${id}`, () => store.get<{ n: string }>(sql, id)?.n ?? null) ?? id;
  return {
    actor: name(
      'actor',
      `SELECT name AS n FROM actors WHERE actor_id = ? AND valid_to = '${OPEN}'`,
    ),
    measure: name(
      'measure',
      `SELECT title AS n FROM measures WHERE measure_id = ? AND valid_to = '${OPEN}'`,
    ),
    proposal: name(
      'proposal',
      `SELECT title AS n FROM proposals WHERE proposal_id = ? AND valid_to = '${OPEN}'`,
    ),
    masterplan: name(
      'masterplan',
      `SELECT title AS n FROM masterplans WHERE masterplan_id = ? AND valid_to = '${OPEN}'`,
    ),
    dialogue: name(
      'dialogue',
      `SELECT title AS n FROM dialogues WHERE dialogue_id = ? AND valid_to = '${OPEN}'`,
    ),
    workingGroup: name(
      'group',
      `SELECT name AS n FROM working_groups WHERE working_group_id = ? AND valid_to = '${OPEN}'`,
    ),
  };
}
