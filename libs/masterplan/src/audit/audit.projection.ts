import { occurredAt, projection } from '../projections/projection.js';
import { SCHEMA_VERSIONS, type MasterplanDomainEventType } from '../shared/event-catalogue.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { entitiesOf, primaryEntity } from './entities.js';

/**
 * One row per stored event, with who, for whom and on what, indexed for the audit
 * questions: by organisation, user, entity, masterplan, type, time, correlation. It reads
 * no other read model, so it is built and rebuilt on its own; its summary is told when
 * it is read, with the names the other read models held at its position (`summary.ts`).
 */
export const auditProjection = projection({
  name: 'audit',
  version: 4,
  canHandle: Object.keys(SCHEMA_VERSIONS) as MasterplanDomainEventType[],
  schema: `
    CREATE TABLE IF NOT EXISTS audit_entries (
      seq INTEGER PRIMARY KEY, position TEXT NOT NULL UNIQUE, event_id TEXT NOT NULL, event_type TEXT NOT NULL, stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, masterplan_id TEXT,
      user_id TEXT, organisation_id TEXT, roles TEXT NOT NULL, correlation_id TEXT, causation_id TEXT,
      occurred_at TEXT NOT NULL, occurred_high TEXT NOT NULL, recorded_at TEXT NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_by_organisation ON audit_entries (organisation_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_user ON audit_entries (user_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_masterplan ON audit_entries (masterplan_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_type ON audit_entries (event_type, position);
    CREATE INDEX IF NOT EXISTS audit_by_correlation ON audit_entries (correlation_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_stream ON audit_entries (stream_id, position);
    CREATE INDEX IF NOT EXISTS audit_by_event ON audit_entries (event_id);
    CREATE TABLE IF NOT EXISTS audit_entities (
      entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, position TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_entities_by_entity ON audit_entities (entity_type, entity_id, position);
    CREATE TABLE IF NOT EXISTS audit_owners (
      entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, masterplan_id TEXT NOT NULL,
      PRIMARY KEY (entity_type, entity_id)
    ) WITHOUT ROWID;
  `,
  apply(event, store) {
    const entity = primaryEntity(event);
    const masterplanId = masterplanOf(event, store);
    // The event that creates an entity of a masterplan names it: later ones may not.
    if (typeof (event.data as { masterplanId?: unknown }).masterplanId === 'string')
      store.run(
        'INSERT OR IGNORE INTO audit_owners (entity_type, entity_id, masterplan_id) VALUES (?, ?, ?)',
        entity.type,
        entity.id,
        masterplanId,
      );
    const acting = event.metadata.actor;
    store.run(
      `INSERT INTO audit_entries (position, event_id, event_type, stream_id, revision, entity_type, entity_id, masterplan_id,
         user_id, organisation_id, roles, correlation_id, causation_id, occurred_at, occurred_high, recorded_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, max(?, coalesce((SELECT occurred_high FROM audit_entries ORDER BY seq DESC LIMIT 1), '')), ?, ?)`,
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
    );
    // Appended in log order (each entity once per event): a rebuild builds the index after.
    for (const ref of entitiesOf(event, masterplanId)) {
      store.run(
        'INSERT INTO audit_entities (entity_type, entity_id, position) VALUES (?, ?, ?)',
        ref.type,
        ref.id,
        event.position,
      );
    }
  },
});

/** The masterplan an event belongs to: named in its data, or that of an entity it concerns. */
function masterplanOf(event: StoredEvent, store: ReadStore): string | null {
  const data = event.data as Record<string, unknown>;
  if (typeof data.masterplanId === 'string') return data.masterplanId;
  for (const ref of entitiesOf(event)) {
    const owner = store.get<{ masterplan_id: string }>(
      'SELECT masterplan_id FROM audit_owners WHERE entity_type = ? AND entity_id = ?',
      ref.type,
      ref.id,
    );
    if (owner) return owner.masterplan_id;
  }
  return null;
}

/** An audit entry as SQLite returns it; `summary` is told when it is read (`withSummaries`). */
export interface AuditRow {
  position: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  revision: number;
  entity_type: string;
  entity_id: string;
  masterplan_id: string | null;
  user_id: string | null;
  organisation_id: string | null;
  roles: string;
  correlation_id: string | null;
  causation_id: string | null;
  occurred_at: string;
  occurred_high: string;
  recorded_at: string;
  data: string;
  summary: string;
}
