import { occurredAt, type Projection } from '../projections/projection.js';

export const masterplansProjection: Projection = {
  name: 'masterplans',
  schema: `
    CREATE TABLE IF NOT EXISTS masterplans (
      masterplan_id TEXT PRIMARY KEY, title TEXT NOT NULL, region TEXT NOT NULL,
      motion TEXT NOT NULL, resolution TEXT NOT NULL, status TEXT NOT NULL,
      initiated_at TEXT NOT NULL, presented_on TEXT, presented_at_dialogue TEXT,
      adopted_on TEXT, adoption TEXT, version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS theme_fields (
      masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL, name TEXT NOT NULL,
      description TEXT NOT NULL, defined_at TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (masterplan_id, theme_field_id)
    );
    CREATE TABLE IF NOT EXISTS milestones (
      masterplan_id TEXT NOT NULL, milestone_id TEXT NOT NULL, title TEXT NOT NULL,
      due_date TEXT NOT NULL, reached_on TEXT, seq INTEGER NOT NULL,
      PRIMARY KEY (masterplan_id, milestone_id)
    );
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('masterplan-')) return;
    switch (event.type) {
      case 'MasterplanInitiated': {
        const d = event.data;
        store.run(
          `INSERT INTO masterplans (masterplan_id, title, region, motion, resolution, status, initiated_at, version, position)
           VALUES (?, ?, ?, ?, ?, 'initiated', ?, ?, ?)`,
          d.masterplanId,
          d.title,
          d.region,
          JSON.stringify(d.motion),
          JSON.stringify(d.resolution),
          occurredAt(event),
          event.revision,
          event.position,
        );
        return;
      }
      case 'ThemeFieldDefined':
        store.run(
          'INSERT INTO theme_fields (masterplan_id, theme_field_id, name, description, defined_at, seq) VALUES (?, ?, ?, ?, ?, ?)',
          event.data.masterplanId,
          event.data.themeFieldId,
          event.data.name,
          event.data.description,
          occurredAt(event),
          event.revision,
        );
        break;
      case 'MilestoneScheduled':
        store.run(
          'INSERT INTO milestones (masterplan_id, milestone_id, title, due_date, seq) VALUES (?, ?, ?, ?, ?)',
          event.data.masterplanId,
          event.data.milestoneId,
          event.data.title,
          event.data.dueDate,
          event.revision,
        );
        break;
      case 'MilestoneReached':
        store.run(
          'UPDATE milestones SET reached_on = ? WHERE masterplan_id = ? AND milestone_id = ?',
          event.data.reachedOn,
          event.data.masterplanId,
          event.data.milestoneId,
        );
        break;
      case 'MasterplanPresented':
        store.run(
          "UPDATE masterplans SET status = 'presented', presented_on = ?, presented_at_dialogue = ? WHERE masterplan_id = ?",
          event.data.presentedOn,
          event.data.dialogueId ?? null,
          event.data.masterplanId,
        );
        break;
      case 'MasterplanAdopted':
        store.run(
          "UPDATE masterplans SET status = 'adopted', adopted_on = ?, adoption = ? WHERE masterplan_id = ?",
          event.data.adoptedOn,
          JSON.stringify(event.data.resolution),
          event.data.masterplanId,
        );
        break;
    }
    // Every event of the stream (commitments to the whole masterplan too) moves its version.
    store.run(
      'UPDATE masterplans SET version = ?, position = ? WHERE masterplan_id = ?',
      event.revision,
      event.position,
      event.streamId.slice('masterplan-'.length),
    );
  },
};
