import { occurredAt, projection } from '../projections/projection.js';
import { OPEN, VALIDITY, changeRow, insertRow, validAt } from '../read-store/temporal.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { ReadView } from '../read-store/read-view.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface MasterplanRow {
  masterplan_id: string;
  title: string;
  region: string;
  motion: string;
  resolution: string;
  status: string;
  initiated_at: string;
  presented_on: string | null;
  presented_at_dialogue: string | null;
  adopted_on: string | null;
  adoption: string | null;
}
export interface ThemeFieldRow {
  masterplan_id: string;
  theme_field_id: string;
  name: string;
  description: string;
  defined_at: string;
}
export interface MilestoneRow {
  masterplan_id: string;
  milestone_id: string;
  title: string;
  due_date: string;
  reached_on: string | null;
}

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

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const masterplans = versionedTable<MasterplanRow>('masterplans');
const themeFields = versionedTable<ThemeFieldRow>('theme_fields');
const milestones = versionedTable<MilestoneRow>('milestones');
export const masterplanById = masterplans.rowBy('masterplan_id');
export const themeFieldsOfMasterplan = themeFields.rowsBy('masterplan_id', 'seq');
export const milestonesOfMasterplan = milestones.rowsBy('masterplan_id', 'seq');

export const allMasterplans = (view: ReadView): MasterplanRow[] =>
  view.read<MasterplanRow>(`SELECT * FROM masterplans WHERE ${validAt()} ORDER BY initiated_at`, {
    at: view.at,
  });

/** Whether the masterplan exists now (a subscription to it waits for changes from now on). */
export const masterplanExists = (store: ReadStore, id: string): boolean =>
  store.get(`SELECT 1 FROM masterplans WHERE masterplan_id = ? AND valid_to = '${OPEN}'`, id) !==
  undefined;
