import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, endRow, insertRow } from '../read-store/temporal.js';
import type { ReadView } from '../read-store/read-view.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface MeasureRow {
  measure_id: string;
  masterplan_id: string;
  theme_field_id: string;
  title: string;
  description: string;
  kind: string;
  status: string;
  closing_note: string | null;
  source_proposal_id: string | null;
  defined_at: string;
}
export interface MeasureProgressRow {
  measure_id: string;
  percent_complete: number;
  last_report: string | null;
}
export interface AssignmentRow {
  measure_id: string;
  actor_id: string;
  role: string;
  assigned_at: string;
}

export const measuresProjection = projection({
  name: 'measures',
  version: 1,
  canHandle: [
    'MeasureDefined',
    'MeasureAssigned',
    'MeasureUnassigned',
    'MeasureProgressReported',
    'MeasureCompleted',
    'MeasureCancelled',
  ],
  schema: `
    CREATE TABLE IF NOT EXISTS measures (
      measure_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      title TEXT NOT NULL, description TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
      closing_note TEXT, source_proposal_id TEXT, defined_at TEXT NOT NULL,
      ${VALIDITY}, PRIMARY KEY (measure_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS measures_by_masterplan ON measures (masterplan_id, valid_to, valid_from);
    CREATE TABLE IF NOT EXISTS measure_progress (
      measure_id TEXT NOT NULL, percent_complete INTEGER NOT NULL, last_report TEXT,
      ${VALIDITY}, PRIMARY KEY (measure_id, valid_to)
    );
    CREATE TABLE IF NOT EXISTS assignments (
      measure_id TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL, assigned_at TEXT NOT NULL,
      ${VALIDITY}, PRIMARY KEY (measure_id, actor_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS assignments_by_actor ON assignments (actor_id, valid_to);
  `,
  apply(event, store) {
    const key = { measure_id: event.streamId.slice('measure-'.length) };
    const at = event.position;
    switch (event.type) {
      case 'MeasureDefined': {
        const d = event.data;
        insertRow(
          store,
          'measures',
          {
            measure_id: d.measureId,
            masterplan_id: d.masterplanId,
            theme_field_id: d.themeFieldId,
            title: d.title,
            description: d.description,
            kind: d.kind,
            status: 'open',
            source_proposal_id: d.sourceProposalId ?? null,
            defined_at: occurredAt(event),
          },
          at,
        );
        // Progress changes often: in its own table, so that a measure's row versions stay
        // few and the measures of a past moment are found among as many rows as measures.
        insertRow(
          store,
          'measure_progress',
          { ...key, percent_complete: 0, last_report: null },
          at,
        );
        return;
      }
      case 'MeasureAssigned':
        insertRow(
          store,
          'assignments',
          {
            ...key,
            actor_id: event.data.actorId,
            role: event.data.role,
            assigned_at: occurredAt(event),
          },
          at,
        );
        return;
      case 'MeasureUnassigned':
        endRow(store, 'assignments', { ...key, actor_id: event.data.actorId }, at);
        return;
      case 'MeasureProgressReported':
        changeRow(
          store,
          'measure_progress',
          key,
          { percent_complete: event.data.percentComplete, last_report: event.data.note },
          at,
        );
        return;
      case 'MeasureCompleted':
        changeRow(
          store,
          'measures',
          key,
          { status: 'completed', closing_note: event.data.note },
          at,
        );
        changeRow(store, 'measure_progress', key, { percent_complete: 100 }, at);
        return;
      case 'MeasureCancelled':
        changeRow(
          store,
          'measures',
          key,
          { status: 'cancelled', closing_note: event.data.reason },
          at,
        );
    }
  },
});

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const measures = versionedTable<MeasureRow>('measures');
const measureProgress = versionedTable<MeasureProgressRow>('measure_progress');
const assignments = versionedTable<AssignmentRow>('assignments');
export const measureById = measures.rowBy('measure_id');
export const progressOfMeasure = measureProgress.rowBy('measure_id');
export const measuresOfMasterplan = measures.rowsBy('masterplan_id', 'measure_id');
export const assignmentsOfActor = assignments.rowsBy('actor_id', 'measure_id');
export const assignmentsOfMeasure = assignments.rowsBy(
  'measure_id',
  `CASE role WHEN 'lead' THEN 0 WHEN 'delegated' THEN 1 WHEN 'partner' THEN 2 ELSE 3 END, actor_id`,
);

/** Measures of a theme field, taken from the masterplan's measures (one query for all fields). */
export async function measuresOfThemeField(
  view: ReadView,
  masterplanId: string,
  themeFieldId: string,
): Promise<MeasureRow[]> {
  return (await view.loader(measuresOfMasterplan).load(masterplanId)).filter(
    (m) => m.theme_field_id === themeFieldId,
  );
}
