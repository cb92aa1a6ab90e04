import { occurredAt, type Projection } from '../projections/projection.js';

export const measuresProjection: Projection = {
  name: 'measures',
  schema: `
    CREATE TABLE IF NOT EXISTS measures (
      measure_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      title TEXT NOT NULL, description TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
      percent_complete INTEGER NOT NULL, last_report TEXT, closing_note TEXT,
      source_proposal_id TEXT, defined_at TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS measures_by_masterplan ON measures (masterplan_id, theme_field_id);
    CREATE TABLE IF NOT EXISTS assignments (
      measure_id TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL, assigned_at TEXT NOT NULL,
      PRIMARY KEY (measure_id, actor_id)
    );
    CREATE INDEX IF NOT EXISTS assignments_by_actor ON assignments (actor_id);
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('measure-')) return;
    const measureId = event.streamId.slice('measure-'.length);
    switch (event.type) {
      case 'MeasureDefined': {
        const d = event.data;
        store.run(
          `INSERT INTO measures (measure_id, masterplan_id, theme_field_id, title, description, kind, status, percent_complete,
             source_proposal_id, defined_at, version, position) VALUES (?, ?, ?, ?, ?, ?, 'open', 0, ?, ?, ?, ?)`,
          d.measureId,
          d.masterplanId,
          d.themeFieldId,
          d.title,
          d.description,
          d.kind,
          d.sourceProposalId ?? null,
          occurredAt(event),
          event.revision,
          event.position,
        );
        return;
      }
      case 'MeasureAssigned':
        store.run(
          'INSERT INTO assignments (measure_id, actor_id, role, assigned_at) VALUES (?, ?, ?, ?)',
          measureId,
          event.data.actorId,
          event.data.role,
          occurredAt(event),
        );
        break;
      case 'MeasureUnassigned':
        store.run(
          'DELETE FROM assignments WHERE measure_id = ? AND actor_id = ?',
          measureId,
          event.data.actorId,
        );
        break;
      case 'MeasureProgressReported':
        store.run(
          'UPDATE measures SET percent_complete = ?, last_report = ? WHERE measure_id = ?',
          event.data.percentComplete,
          event.data.note,
          measureId,
        );
        break;
      case 'MeasureCompleted':
        store.run(
          "UPDATE measures SET status = 'completed', percent_complete = 100, closing_note = ? WHERE measure_id = ?",
          event.data.note,
          measureId,
        );
        break;
      case 'MeasureCancelled':
        store.run(
          "UPDATE measures SET status = 'cancelled', closing_note = ? WHERE measure_id = ?",
          event.data.reason,
          measureId,
        );
        break;
    }
    store.run(
      'UPDATE measures SET version = ?, position = ? WHERE measure_id = ?',
      event.revision,
      event.position,
      measureId,
    );
  },
};
