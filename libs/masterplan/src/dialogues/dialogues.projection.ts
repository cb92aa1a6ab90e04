import { projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface DialogueRow {
  dialogue_id: string;
  masterplan_id: string;
  title: string;
  scheduled_for: string;
  venue: string;
  held_on: string | null;
  participants: string | null;
  minutes: string | null;
}

export const dialoguesProjection = projection({
  name: 'dialogues',
  version: 1,
  canHandle: ['DialogueScheduled', 'DialogueHeld', 'DialogueMinutesRecorded'],
  schema: `
    CREATE TABLE IF NOT EXISTS dialogues (
      dialogue_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, title TEXT NOT NULL,
      scheduled_for TEXT NOT NULL, venue TEXT NOT NULL, held_on TEXT, participants TEXT, minutes TEXT,
      ${VALIDITY}, PRIMARY KEY (dialogue_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS dialogues_by_masterplan ON dialogues (masterplan_id, valid_to);
  `,
  apply(event, store) {
    const key = { dialogue_id: event.streamId.slice('dialogue-'.length) };
    switch (event.type) {
      case 'DialogueScheduled': {
        const d = event.data;
        insertRow(
          store,
          'dialogues',
          {
            dialogue_id: d.dialogueId,
            masterplan_id: d.masterplanId,
            title: d.title,
            scheduled_for: d.scheduledFor,
            venue: d.venue,
          },
          event.position,
        );
        return;
      }
      case 'DialogueHeld':
        changeRow(
          store,
          'dialogues',
          key,
          {
            held_on: event.data.heldOn,
            participants: JSON.stringify(event.data.participantActorIds),
          },
          event.position,
        );
        return;
      case 'DialogueMinutesRecorded':
        changeRow(store, 'dialogues', key, { minutes: event.data.minutes }, event.position);
    }
  },
});

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const dialogues = versionedTable<DialogueRow>('dialogues');
export const dialogueById = dialogues.rowBy('dialogue_id');
export const dialoguesOfMasterplan = dialogues.rowsBy('masterplan_id', 'scheduled_for');
