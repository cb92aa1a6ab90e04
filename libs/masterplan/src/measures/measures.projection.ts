import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, endRow, insertRow } from '../read-store/temporal.js';

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
