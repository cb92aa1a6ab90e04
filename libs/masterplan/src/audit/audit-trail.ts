import { badInput } from '../graphql/context.js';
import type { ListQuery } from '../graphql/paging.js';
import type { AuditRow } from './audit.projection.js';
import type { EntityRef, EntityType } from './entities.js';

/** What the audit trail can be narrowed to; every given criterion must hold. */
export interface AuditCriteria {
  organisationId?: string | null;
  userId?: string | null;
  entityType?: EntityType | null;
  entityId?: string | null;
  masterplanId?: string | null;
  eventTypes?: string[] | null;
  occurredFrom?: Date | null;
  occurredBefore?: Date | null;
  correlationId?: string | null;
  /** Only entries concerning one of these organisations (see organisationConcerned). */
  concerning?: readonly string[] | null;
}

/** Event types whose data names a person (a representative) of an organisation. */
export const PEOPLE_IN_DATA: ReadonlySet<string> = new Set([
  'RepresentativeAppointed',
  'RepresentativeRevoked',
]);

/**
 * The organisation an entry concerns: the one its user acted for, or, for an appointment or
 * revocation of a representative, the organisation represented.
 */
export function organisationConcerned(row: AuditRow): string | null {
  if (row.organisation_id !== null) return row.organisation_id;
  if (!PEOPLE_IN_DATA.has(row.event_type)) return null;
  const { actorId } = JSON.parse(row.data) as { actorId?: unknown };
  return typeof actorId === 'string' ? actorId : null;
}

/** The criteria that are text matched as a whole: ids, of users and of correlations too. */
export const TEXT_CRITERIA = [
  'organisationId',
  'userId',
  'entityId',
  'masterplanId',
  'correlationId',
] as const;

/** The longest text a criterion may be: longer than any id, user id or correlation id. */
const LONGEST_CRITERION = 200;

/**
 * What a filter must say to mean something: an entity id is an id of some kind of entity;
 * a text criterion is 1 to 200 characters (no id is longer, and an empty one would match
 * nothing); an event type named twice counts once.
 */
export function checkCriteria(criteria: AuditCriteria): void {
  for (const name of TEXT_CRITERIA) {
    const value = criteria[name];
    if (value != null && (value.length === 0 || value.length > LONGEST_CRITERION))
      throw badInput(`${name} must be 1 to ${LONGEST_CRITERION} characters`, name);
  }
  if (criteria.eventTypes) criteria.eventTypes = [...new Set(criteria.eventTypes)];
  if (criteria.entityId != null && criteria.entityType == null)
    throw badInput(
      'entityId needs entityType: ids are unique among entities of one kind, not across kinds',
      'entityType',
    );
}

/** The entries of the audit trail matching `criteria`, up to a position, as a list to page. */
export function auditList(criteria: AuditCriteria, upToPosition?: string): ListQuery {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'audit_entries e';
  if (criteria.entityType != null && criteria.entityId != null) {
    from +=
      ' JOIN audit_entities x ON x.position = e.position AND x.entity_type = ? AND x.entity_id = ?';
    params.push(criteria.entityType, criteria.entityId);
  } else if (criteria.entityType != null) {
    where.push('e.entity_type = ?');
    params.push(criteria.entityType);
  }
  const equal = (column: string, value: string | null | undefined) => {
    if (value != null) {
      where.push(`e.${column} = ?`);
      params.push(value);
    }
  };
  equal('organisation_id', criteria.organisationId);
  equal('user_id', criteria.userId);
  equal('masterplan_id', criteria.masterplanId);
  equal('correlation_id', criteria.correlationId);
  if (criteria.concerning != null) {
    where.push(`(e.organisation_id IN (SELECT value FROM json_each(?))
      OR (e.organisation_id IS NULL AND e.event_type IN (SELECT value FROM json_each(?))
        AND json_extract(e.data, '$.actorId') IN (SELECT value FROM json_each(?))))`);
    const concerning = JSON.stringify(criteria.concerning);
    params.push(concerning, JSON.stringify([...PEOPLE_IN_DATA]), concerning);
  }
  // An empty list of types matches no entry, as `IN ()` would.
  if (criteria.eventTypes != null) {
    where.push('e.event_type IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(criteria.eventTypes));
  }
  if (criteria.occurredFrom) {
    where.push('e.occurred_at >= ?');
    params.push(criteria.occurredFrom.toISOString());
  }
  if (criteria.occurredBefore) {
    where.push('e.occurred_at < ?');
    params.push(criteria.occurredBefore.toISOString());
  }
  if (upToPosition !== undefined) {
    where.push('e.position <= ?');
    params.push(upToPosition);
  }
  return { select: 'e.*', from, where, params, position: 'e.position' };
}

/** The same criteria, checked on one live entry (for subscriptions). */
export function matchesCriteria(
  row: AuditRow,
  entities: EntityRef[],
  criteria: AuditCriteria | null | undefined,
): boolean {
  if (!criteria) return true;
  if (criteria.organisationId != null && row.organisation_id !== criteria.organisationId)
    return false;
  if (criteria.userId != null && row.user_id !== criteria.userId) return false;
  if (criteria.masterplanId != null && row.masterplan_id !== criteria.masterplanId) return false;
  if (criteria.correlationId != null && row.correlation_id !== criteria.correlationId) return false;
  if (criteria.eventTypes != null && !criteria.eventTypes.includes(row.event_type)) return false;
  if (criteria.concerning != null) {
    const organisation = organisationConcerned(row);
    if (organisation === null || !criteria.concerning.includes(organisation)) return false;
  }
  if (criteria.occurredFrom && row.occurred_at < criteria.occurredFrom.toISOString()) return false;
  if (criteria.occurredBefore && row.occurred_at >= criteria.occurredBefore.toISOString())
    return false;
  if (criteria.entityType != null && criteria.entityId != null) {
    return entities.some((e) => e.type === criteria.entityType && e.id === criteria.entityId);
  }
  if (criteria.entityType != null && row.entity_type !== criteria.entityType) return false;
  return true;
}
