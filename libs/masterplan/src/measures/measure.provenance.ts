import type { FieldsSet } from '../audit/provenance.js';
import type { AuditRow } from '../audit/audit.projection.js';
import type { MeasureEvent } from './measure.js';

/** Which events set which fields of a `Measure`, with the values as the API shows them. */
export const measureFieldsSet: FieldsSet = {
  eventTypes: ['MeasureDefined', 'MeasureProgressReported', 'MeasureCompleted', 'MeasureCancelled'],
  fieldsOf(event) {
    const e = event as MeasureEvent;
    switch (e.type) {
      case 'MeasureDefined':
        return {
          title: e.data.title,
          description: e.data.description,
          kind: e.data.kind.toUpperCase(),
          themeField: e.data.themeFieldId,
          sourceProposal: e.data.sourceProposalId ?? null,
          status: 'OPEN',
        };
      case 'MeasureProgressReported':
        return { percentComplete: e.data.percentComplete, lastProgressNote: e.data.note };
      case 'MeasureCompleted':
        return { status: 'COMPLETED', closingNote: e.data.note, percentComplete: 100 };
      case 'MeasureCancelled':
        return { status: 'CANCELLED', closingNote: e.data.reason };
      default:
        return undefined;
    }
  },
};

/** The events that make and end assignments, filed under their measure. */
export const ASSIGNMENT_EVENTS = ['MeasureAssigned', 'MeasureUnassigned'] as const;

/** Which event set the fields of an `Assignment`: the one that made it. */
export const assignmentFieldsSet: FieldsSet = {
  eventTypes: ['MeasureAssigned'],
  fieldsOf(event) {
    const e = event as MeasureEvent;
    return e.type === 'MeasureAssigned'
      ? { actor: e.data.actorId, role: e.data.role.toUpperCase() }
      : undefined;
  },
};

/** One assignment of an actor to a measure, from the entry that made it to the one that ended it. */
export interface AssignmentSpan {
  actorId: string;
  role: string;
  assigned: AuditRow;
  unassigned?: AuditRow;
}

/** The assignments a measure's entries (oldest first) tell of, in the order they were made. */
export function assignmentSpans(entries: readonly AuditRow[]): AssignmentSpan[] {
  const spans: AssignmentSpan[] = [];
  const open = new Map<string, AssignmentSpan>();
  for (const entry of entries) {
    const { actorId, role } = JSON.parse(entry.data) as { actorId: string; role: string };
    if (entry.event_type === 'MeasureAssigned') {
      const span = { actorId, role, assigned: entry };
      spans.push(span);
      open.set(actorId, span);
    } else if (entry.event_type === 'MeasureUnassigned') {
      const span = open.get(actorId);
      if (span) span.unassigned = entry;
      open.delete(actorId);
    }
  }
  return spans;
}
