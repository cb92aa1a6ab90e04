import type { ReadView } from '../read-store/read-view.js';
import type { AuditRow } from '../read-store/rows.js';
import { AuditEntry } from './models.js';

// The audit resolver still takes toActor from here; each feature's mappers live in its folder.
export { toActor } from '../actors/actors.graphql.js';

/** An audit row as a GraphQL object, remembering the view it came from. */
export const toAuditEntry = (r: AuditRow, view: ReadView): AuditEntry =>
  Object.assign(new AuditEntry(), {
    view: view.spend(r),
    position: r.position,
    eventId: r.event_id,
    eventType: r.event_type,
    occurredAt: new Date(r.occurred_at),
    recordedAt: new Date(r.recorded_at),
    entityType: r.entity_type,
    entityId: r.entity_id,
    masterplanId: r.masterplan_id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    roles: JSON.parse(r.roles) as string[],
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    data: JSON.parse(r.data),
    summary: r.summary,
    streamId: r.stream_id,
    version: r.revision,
  });
