import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';

export const masterplansProjection = projection({
  name: 'masterplans',
  version: 1,
  canHandle: [
    'MasterplanInitiated',
    'ThemeFieldDefined',
    'MilestoneScheduled',
    'MilestoneReached',
    'MasterplanPresented',
    'MasterplanAdopted',
  ],
  schema: `
    CREATE TABLE IF NOT EXISTS masterplans (
      masterplan_id TEXT NOT NULL, title TEXT NOT NULL, region TEXT NOT NULL,
      motion TEXT NOT NULL, resolution TEXT NOT NULL, status TEXT NOT NULL,
      initiated_at TEXT NOT NULL, presented_on TEXT, presented_at_dialogue TEXT,
      adopted_on TEXT, adoption TEXT, ${VALIDITY}, PRIMARY KEY (masterplan_id, valid_to)
    );
    CREATE TABLE IF NOT EXISTS theme_fields (
      masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL, name TEXT NOT NULL,
      description TEXT NOT NULL, defined_at TEXT NOT NULL, seq INTEGER NOT NULL,
      ${VALIDITY}, PRIMARY KEY (masterplan_id, theme_field_id, valid_to)
    );
    CREATE TABLE IF NOT EXISTS milestones (
      masterplan_id TEXT NOT NULL, milestone_id TEXT NOT NULL, title TEXT NOT NULL,
      due_date TEXT NOT NULL, reached_on TEXT, seq INTEGER NOT NULL,
      ${VALIDITY}, PRIMARY KEY (masterplan_id, milestone_id, valid_to)
    );
  `,
  apply(event, store) {
    const at = event.position;
    switch (event.type) {
      case 'MasterplanInitiated': {
        const d = event.data;
        insertRow(
          store,
          'masterplans',
          {
            masterplan_id: d.masterplanId,
            title: d.title,
            region: d.region,
            motion: JSON.stringify(d.motion),
            resolution: JSON.stringify(d.resolution),
            status: 'initiated',
            initiated_at: occurredAt(event),
          },
          at,
        );
        return;
      }
      case 'ThemeFieldDefined':
        insertRow(
          store,
          'theme_fields',
          {
            masterplan_id: event.data.masterplanId,
            theme_field_id: event.data.themeFieldId,
            name: event.data.name,
            description: event.data.description,
            defined_at: occurredAt(event),
            seq: event.revision,
          },
          at,
        );
        return;
      case 'MilestoneScheduled':
        insertRow(
          store,
          'milestones',
          {
            masterplan_id: event.data.masterplanId,
            milestone_id: event.data.milestoneId,
            title: event.data.title,
            due_date: event.data.dueDate,
            seq: event.revision,
          },
          at,
        );
        return;
      case 'MilestoneReached':
        changeRow(
          store,
          'milestones',
          { masterplan_id: event.data.masterplanId, milestone_id: event.data.milestoneId },
          { reached_on: event.data.reachedOn },
          at,
        );
        return;
      case 'MasterplanPresented':
        changeRow(
          store,
          'masterplans',
          { masterplan_id: event.data.masterplanId },
          {
            status: 'presented',
            presented_on: event.data.presentedOn,
            presented_at_dialogue: event.data.dialogueId ?? null,
          },
          at,
        );
        return;
      case 'MasterplanAdopted':
        changeRow(
          store,
          'masterplans',
          { masterplan_id: event.data.masterplanId },
          {
            status: 'adopted',
            adopted_on: event.data.adoptedOn,
            adoption: JSON.stringify(event.data.resolution),
          },
          at,
        );
    }
  },
});
