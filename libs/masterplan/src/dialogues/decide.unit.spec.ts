import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgb, ihk, ihkRep, masterplan, unknownActor } from '../../test/fixtures.js';
import { dialogueDecider } from './decide.js';
import { type DialogueEvent } from './dialogue.js';

const spec = deciderSpec(dialogueDecider);
const scheduleData = {
  dialogueId: 'd-1',
  masterplanId: 'mp',
  title: '1. Industriedialog Aachen 2020',
  scheduledFor: '2013-05-28',
  venue: 'Super C, RWTH Aachen',
};
const scheduled: DialogueEvent = { type: 'DialogueScheduled', data: scheduleData };
const held: DialogueEvent = {
  type: 'DialogueHeld',
  data: { dialogueId: 'd-1', heldOn: '2013-05-28', participantActorIds: ['ihk', 'dgb'] },
};

describe('industry dialogues', () => {
  it('an administrator schedules a dialogue for a masterplan', () =>
    spec
      .given([])
      .when({ type: 'ScheduleDialogue', data: scheduleData }, { ...asAdmin, masterplan })
      .then([scheduled]));

  it('representatives do not run dialogues', () =>
    spec
      .given([])
      .when({ type: 'ScheduleDialogue', data: scheduleData }, { ...as(ihkRep), masterplan })
      .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY'));

  it('a dialogue is held once, with participants that exist', () => {
    spec
      .given([scheduled])
      .when(
        { type: 'HoldDialogue', data: held.data as never },
        { ...asAdmin, participants: [ihk, dgb] },
      )
      .then([held]);
    spec
      .given([scheduled, held])
      .when(
        { type: 'HoldDialogue', data: held.data as never },
        { ...asAdmin, participants: [ihk, dgb] },
      )
      .thenRejects('RULE_VIOLATED', 'DIALOGUE_HELD');
    spec
      .given([scheduled])
      .when(
        {
          type: 'HoldDialogue',
          data: { dialogueId: 'd-1', heldOn: '2013-05-28', participantActorIds: ['ihk', 'ghost'] },
        },
        { ...asAdmin, participants: [ihk, unknownActor] },
      )
      .thenRejects('NOT_FOUND', 'ACTOR_NOT_FOUND');
  });

  it('minutes are recorded after the dialogue was held', () => {
    spec
      .given([scheduled])
      .when(
        { type: 'RecordDialogueMinutes', data: { dialogueId: 'd-1', minutes: 'Welcome …' } },
        asAdmin,
      )
      .thenRejects('RULE_VIOLATED', 'DIALOGUE_NOT_HELD');
    spec
      .given([scheduled, held])
      .when(
        { type: 'RecordDialogueMinutes', data: { dialogueId: 'd-1', minutes: 'Welcome …' } },
        asAdmin,
      )
      .then([
        { type: 'DialogueMinutesRecorded', data: { dialogueId: 'd-1', minutes: 'Welcome …' } },
      ]);
  });
});
