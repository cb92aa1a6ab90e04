import type { Projection } from '../projections/projection.js';

export const dialoguesProjection: Projection = {
  name: 'dialogues',
  schema: `
    CREATE TABLE IF NOT EXISTS dialogues (
      dialogue_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, title TEXT NOT NULL,
      scheduled_for TEXT NOT NULL, venue TEXT NOT NULL, held_on TEXT, participants TEXT, minutes TEXT,
      version INTEGER NOT NULL, position TEXT NOT NULL
    );
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('dialogue-')) return;
    const dialogueId = event.streamId.slice('dialogue-'.length);
    switch (event.type) {
      case 'DialogueScheduled': {
        const d = event.data;
        store.run(
          'INSERT INTO dialogues (dialogue_id, masterplan_id, title, scheduled_for, venue, version, position) VALUES (?, ?, ?, ?, ?, ?, ?)',
          d.dialogueId,
          d.masterplanId,
          d.title,
          d.scheduledFor,
          d.venue,
          event.revision,
          event.position,
        );
        return;
      }
      case 'DialogueHeld':
        store.run(
          'UPDATE dialogues SET held_on = ?, participants = ? WHERE dialogue_id = ?',
          event.data.heldOn,
          JSON.stringify(event.data.participantActorIds),
          dialogueId,
        );
        break;
      case 'DialogueMinutesRecorded':
        store.run(
          'UPDATE dialogues SET minutes = ? WHERE dialogue_id = ?',
          event.data.minutes,
          dialogueId,
        );
        break;
    }
    store.run(
      'UPDATE dialogues SET version = ?, position = ? WHERE dialogue_id = ?',
      event.revision,
      event.position,
      dialogueId,
    );
  },
};
