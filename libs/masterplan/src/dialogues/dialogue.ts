import type { Aggregate, DomainEvent } from '../shared/decider.js';

export type DialogueScheduled = DomainEvent<
  'DialogueScheduled',
  { dialogueId: string; masterplanId: string; title: string; scheduledFor: string; venue: string }
>;
export type DialogueHeld = DomainEvent<
  'DialogueHeld',
  { dialogueId: string; heldOn: string; participantActorIds: string[] }
>;
export type DialogueMinutesRecorded = DomainEvent<
  'DialogueMinutesRecorded',
  { dialogueId: string; minutes: string }
>;
export type DialogueEvent = DialogueScheduled | DialogueHeld | DialogueMinutesRecorded;

/** An industry dialogue: the event where actors meet (the kick-off, the presentation). */
export interface DialogueState {
  exists: boolean;
  dialogueId: string;
  masterplanId: string;
  title: string;
  held: boolean;
  minutesRecorded: boolean;
}

export const dialogueAggregate: Aggregate<DialogueState, DialogueEvent> = {
  streamPrefix: 'dialogue-',
  initialState: {
    exists: false,
    dialogueId: '',
    masterplanId: '',
    title: '',
    held: false,
    minutesRecorded: false,
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DialogueScheduled':
        return {
          ...state,
          exists: true,
          dialogueId: event.data.dialogueId,
          masterplanId: event.data.masterplanId,
          title: event.data.title,
        };
      case 'DialogueHeld':
        return { ...state, held: true };
      case 'DialogueMinutesRecorded':
        return { ...state, minutesRecorded: true };
    }
  },
};
