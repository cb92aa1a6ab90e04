import type { AuditRow } from './audit.projection.js';

/**
 * Which events set fields of an entity, and for one event, the fields it sets with the
 * values it gives them as the API shows them. Each feature says this of its own entity
 * (`measure.provenance.ts`, …), in its events' words.
 */
export interface FieldsSet {
  eventTypes: readonly string[];
  fieldsOf(event: { type: string; data: unknown }): Record<string, unknown> | undefined;
}

/** The event that set a field's current value. */
export interface FieldOrigin {
  field: string;
  value: unknown;
  entry: AuditRow;
}

/**
 * For each field, the last of `entries` (oldest first) that set it: who set its value as of
 * the last entry. Fields come in the order they were first set.
 */
export function provenanceOf(entries: readonly AuditRow[], fieldsSet: FieldsSet): FieldOrigin[] {
  const origins = new Map<string, FieldOrigin>();
  for (const entry of entries) {
    const set = fieldsSet.fieldsOf({ type: entry.event_type, data: JSON.parse(entry.data) });
    for (const [field, value] of Object.entries(set ?? {}))
      origins.set(field, { field, value, entry });
  }
  return [...origins.values()];
}
