import type { Decider } from '../shared/decider.js';
import { dialogueAggregate } from './dialogue.js';
import type { ActorState } from '../actors/actor.js';
import type { MasterplanState } from '../masterplans/masterplan.js';
import type { Decision, DecisionContext } from '../shared/decider.js';
import { invalid, notFound, ruleViolated, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator } from '../shared/rules.js';
import { firstRejection, requireAtMost, requireDate, requireText } from '../shared/validation.js';
import type { DialogueEvent, DialogueState } from './dialogue.js';

export type DialogueCommand =
  | {
      type: 'ScheduleDialogue';
      data: {
        dialogueId: string;
        masterplanId: string;
        title: string;
        scheduledFor: string;
        venue: string;
      };
    }
  | {
      type: 'HoldDialogue';
      data: { dialogueId: string; heldOn: string; participantActorIds: string[] };
    }
  | { type: 'RecordDialogueMinutes'; data: { dialogueId: string; minutes: string } };

export interface DialogueContext extends DecisionContext {
  masterplan?: MasterplanState;
  /** The participants named when the dialogue is held, as found (missing ones absent). */
  participants?: ActorState[];
}

export function decideDialogue(
  command: DialogueCommand,
  state: DialogueState,
  ctx: DialogueContext,
): Decision<DialogueEvent> {
  const admin = mustBeAdministrator(ctx.user, 'run industry dialogues');
  switch (command.type) {
    case 'ScheduleDialogue': {
      const { data } = command;
      const refused = firstRejection(
        admin,
        state.exists
          ? alreadyExists('DIALOGUE_EXISTS', `Dialogue '${data.dialogueId}' already exists`)
          : undefined,
        ctx.masterplan?.exists
          ? undefined
          : notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${data.masterplanId}'`),
        requireText(data.title, 'title', 300),
        requireText(data.venue, 'venue', 300),
        requireText(data.scheduledFor, 'scheduledFor'),
        requireDate(data.scheduledFor, 'scheduledFor'),
      );
      return refused ?? [{ type: 'DialogueScheduled', data }];
    }
    case 'HoldDialogue': {
      const { data } = command;
      const found = new Set((ctx.participants ?? []).filter((a) => a.exists).map((a) => a.actorId));
      const unknown = data.participantActorIds.filter((id) => !found.has(id));
      const refused = firstRejection(
        admin,
        state.exists
          ? undefined
          : notFound('DIALOGUE_NOT_FOUND', `There is no dialogue '${data.dialogueId}'`),
        state.held
          ? ruleViolated('DIALOGUE_HELD', `Dialogue '${state.title}' was already held`)
          : undefined,
        requireDate(data.heldOn, 'heldOn'),
        data.participantActorIds.length === 0
          ? invalid('REQUIRED', 'A dialogue is held with at least one participating actor')
          : undefined,
        requireAtMost(data.participantActorIds, 'participantActorIds', 500),
        unknown.length > 0
          ? notFound(
              'ACTOR_NOT_FOUND',
              `There is no actor ${unknown.map((id) => `'${id}'`).join(', ')}`,
            )
          : undefined,
      );
      return (
        refused ?? [
          {
            type: 'DialogueHeld',
            data: { ...data, participantActorIds: [...new Set(data.participantActorIds)] },
          },
        ]
      );
    }
    case 'RecordDialogueMinutes': {
      const { data } = command;
      const refused = firstRejection(
        admin,
        state.exists
          ? undefined
          : notFound('DIALOGUE_NOT_FOUND', `There is no dialogue '${data.dialogueId}'`),
        state.exists && !state.held
          ? ruleViolated('DIALOGUE_NOT_HELD', `Dialogue '${state.title}' has not been held yet`)
          : undefined,
        requireText(data.minutes, 'minutes', 100_000),
      );
      return refused ?? [{ type: 'DialogueMinutesRecorded', data }];
    }
  }
}

/** The dialogue decider: its state, events and rules in one object. */
export const dialogueDecider: Decider<
  DialogueState,
  DialogueEvent,
  DialogueCommand,
  DialogueContext
> = {
  ...dialogueAggregate,
  decide: decideDialogue,
};
