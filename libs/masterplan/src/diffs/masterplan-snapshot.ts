import type { AuditRow } from '../audit/audit.projection.js';
import { commitmentFieldsSet } from '../commitments/commitment.provenance.js';
import { commitmentsOfMasterplan } from '../commitments/commitments.projection.js';
import { themeFieldsOfMasterplan } from '../masterplans/masterplans.projection.js';
import { ASSIGNMENT_EVENTS, measureFieldsSet } from '../measures/measure.provenance.js';
import {
  assignmentsOfMeasure,
  measuresOfMasterplan,
  progressOfMeasure,
} from '../measures/measures.projection.js';
import type { ReadView } from '../read-store/read-view.js';
import type { DiffEntityType, Snapshot } from './diff.js';

/** An assignment has no id of its own: it is an actor's place on a measure. */
export const assignmentKey = (measureId: string, actorId: string) => `${measureId}/${actorId}`;

/**
 * A masterplan's theme fields, measures, assignments and commitments as a view shows them,
 * each with its fields as the API shows them (each row spends the view's budget).
 */
export async function snapshotOf(view: ReadView, masterplanId: string): Promise<Snapshot[]> {
  const [themeFields, measures, commitments] = await Promise.all([
    view.loader(themeFieldsOfMasterplan).load(masterplanId),
    view.loader(measuresOfMasterplan).load(masterplanId),
    view.loader(commitmentsOfMasterplan).load(masterplanId),
  ]);
  const [progress, assignments] = await Promise.all([
    Promise.all(measures.map((m) => view.loader(progressOfMeasure).load(m.measure_id))),
    Promise.all(measures.map((m) => view.loader(assignmentsOfMeasure).load(m.measure_id))),
  ]);
  const snapshot: Snapshot[] = [];
  const add = (
    entityType: DiffEntityType,
    entityId: string,
    row: object,
    fields: Snapshot['fields'],
  ) => {
    view.spend(row);
    snapshot.push({ entityType, entityId, fields });
  };
  for (const f of themeFields)
    add('theme_field', f.theme_field_id, f, { name: f.name, description: f.description });
  measures.forEach((m, i) => {
    add('measure', m.measure_id, m, {
      themeField: m.theme_field_id,
      title: m.title,
      description: m.description,
      kind: m.kind.toUpperCase(),
      status: m.status.toUpperCase(),
      closingNote: m.closing_note,
      percentComplete: progress[i]?.percent_complete ?? 0,
      lastProgressNote: progress[i]?.last_report ?? null,
    });
    for (const a of assignments[i]!)
      add('assignment', assignmentKey(a.measure_id, a.actor_id), a, {
        measure: a.measure_id,
        actor: a.actor_id,
        role: a.role.toUpperCase(),
      });
  });
  for (const c of commitments)
    add('commitment', c.commitment_id, c, {
      actor: c.actor_id,
      measure: c.measure_id,
      statement: c.statement,
      resources: c.resources,
      dueDate: c.due_date,
      status: c.status.toUpperCase(),
      endNote: c.end_note,
    });
  return snapshot;
}

const MEASURE_EVENTS = new Set(measureFieldsSet.eventTypes);
const ASSIGNMENTS = new Set<string>(ASSIGNMENT_EVENTS);
const COMMITMENT_EVENTS = new Set(commitmentFieldsSet.eventTypes);

/** The entity of a diff an audit entry changed (`entityType:entityId`), if any. */
export function changedBy(entry: AuditRow): string | undefined {
  const data = JSON.parse(entry.data) as {
    themeFieldId?: string;
    measureId?: string;
    actorId?: string;
    commitmentId?: string;
  };
  if (entry.event_type === 'ThemeFieldDefined') return `theme_field:${data.themeFieldId}`;
  if (MEASURE_EVENTS.has(entry.event_type)) return `measure:${data.measureId}`;
  if (ASSIGNMENTS.has(entry.event_type))
    return `assignment:${assignmentKey(data.measureId!, data.actorId!)}`;
  if (COMMITMENT_EVENTS.has(entry.event_type)) return `commitment:${data.commitmentId}`;
  return undefined;
}
