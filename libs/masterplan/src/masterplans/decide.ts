import type { Decider } from '../shared/decider.js';
import { masterplanAggregate } from './masterplan.js';
import {
  decideCommitment,
  type CommitmentCommand,
  type CommitmentContext,
} from '../commitments/decide.js';
import type { DialogueState } from '../dialogues/dialogue.js';
import type { Decision } from '../shared/decider.js';
import { notFound, ruleViolated, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator } from '../shared/rules.js';
import { firstRejection, requireDate, requireText } from '../shared/validation.js';
import type { MasterplanEvent, MasterplanState, Motion, Resolution } from './masterplan.js';

export type MasterplanCommand =
  | {
      type: 'InitiateMasterplan';
      data: {
        masterplanId: string;
        title: string;
        region: string;
        motion: Motion;
        resolution: Resolution;
      };
    }
  | {
      type: 'DefineThemeField';
      data: { masterplanId: string; themeFieldId: string; name: string; description: string };
    }
  | {
      type: 'ScheduleMilestone';
      data: { masterplanId: string; milestoneId: string; title: string; dueDate: string };
    }
  | { type: 'ReachMilestone'; data: { masterplanId: string; milestoneId: string } }
  | { type: 'PresentMasterplan'; data: { masterplanId: string; dialogueId?: string } }
  | { type: 'AdoptMasterplan'; data: { masterplanId: string; resolution: Resolution } }
  | CommitmentCommand;

const day = (date: Date) => date.toISOString().slice(0, 10);

export interface MasterplanContext extends CommitmentContext {
  /** The dialogue a masterplan is presented at, if one is named. */
  dialogue?: DialogueState;
}

export function decideMasterplan(
  command: MasterplanCommand,
  state: MasterplanState,
  ctx: MasterplanContext,
): Decision<MasterplanEvent> {
  const missing =
    command.type !== 'InitiateMasterplan' && !state.exists
      ? notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${command.data.masterplanId}'`)
      : undefined;
  switch (command.type) {
    case 'InitiateMasterplan': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'initiate a masterplan'),
        state.exists
          ? alreadyExists(
              'MASTERPLAN_EXISTS',
              `Masterplan '${data.masterplanId}' is already initiated`,
            )
          : undefined,
        requireText(data.title, 'title', 300),
        requireText(data.region, 'region', 300),
        requireText(data.motion?.reference, 'motion.reference', 200),
        requireText(data.motion?.title, 'motion.title', 500),
        requireText(data.motion?.filedBy, 'motion.filedBy', 300),
        requireText(data.motion?.filedOn, 'motion.filedOn'),
        requireDate(data.motion?.filedOn, 'motion.filedOn'),
        requireText(data.resolution?.reference, 'resolution.reference', 200),
        requireText(data.resolution?.body, 'resolution.body', 300),
        requireText(data.resolution?.decidedOn, 'resolution.decidedOn'),
        requireDate(data.resolution?.decidedOn, 'resolution.decidedOn'),
      );
      return refused ?? [{ type: 'MasterplanInitiated', data }];
    }
    case 'DefineThemeField': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'define theme fields'),
        missing,
        requireText(data.name, 'name', 200),
        requireText(data.description, 'description', 4000),
        state.status === 'adopted'
          ? ruleViolated('MASTERPLAN_ADOPTED', 'An adopted masterplan takes no new theme fields')
          : undefined,
        state.themeFields[data.themeFieldId]
          ? alreadyExists('THEME_FIELD_EXISTS', `Theme field '${data.themeFieldId}' already exists`)
          : undefined,
        Object.values(state.themeFields).some(
          (t) => t.name.toLowerCase() === data.name?.trim().toLowerCase(),
        )
          ? ruleViolated(
              'THEME_FIELD_NAME_TAKEN',
              `The masterplan already has a theme field named '${data.name}'`,
            )
          : undefined,
      );
      return refused ?? [{ type: 'ThemeFieldDefined', data: { ...data, name: data.name.trim() } }];
    }
    case 'ScheduleMilestone': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'schedule milestones'),
        missing,
        requireText(data.title, 'title', 300),
        requireText(data.dueDate, 'dueDate'),
        requireDate(data.dueDate, 'dueDate'),
        state.milestones[data.milestoneId]
          ? alreadyExists('MILESTONE_EXISTS', `Milestone '${data.milestoneId}' already exists`)
          : undefined,
      );
      return refused ?? [{ type: 'MilestoneScheduled', data }];
    }
    case 'ReachMilestone': {
      const { data } = command;
      const milestone = state.milestones[data.milestoneId];
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'mark milestones as reached'),
        missing,
        milestone
          ? undefined
          : notFound('MILESTONE_NOT_FOUND', `There is no milestone '${data.milestoneId}'`),
        milestone?.reached
          ? ruleViolated('MILESTONE_REACHED', `Milestone '${milestone.title}' is already reached`)
          : undefined,
      );
      return refused ?? [{ type: 'MilestoneReached', data: { ...data, reachedOn: day(ctx.now) } }];
    }
    case 'PresentMasterplan': {
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'present the masterplan'),
        missing,
        state.status !== 'initiated'
          ? ruleViolated('ALREADY_PRESENTED', `The masterplan is already ${state.status}`)
          : undefined,
        Object.keys(state.themeFields).length === 0
          ? ruleViolated(
              'NO_THEME_FIELDS',
              'A masterplan needs at least one theme field before it is presented',
            )
          : undefined,
        command.data.dialogueId !== undefined &&
          (!ctx.dialogue?.exists || ctx.dialogue.masterplanId !== command.data.masterplanId)
          ? notFound(
              'DIALOGUE_NOT_FOUND',
              `Masterplan '${state.title}' has no dialogue '${command.data.dialogueId}'`,
            )
          : undefined,
      );
      return (
        refused ?? [
          {
            type: 'MasterplanPresented',
            data: {
              masterplanId: command.data.masterplanId,
              presentedOn: day(ctx.now),
              ...(command.data.dialogueId ? { dialogueId: command.data.dialogueId } : {}),
            },
          },
        ]
      );
    }
    case 'AdoptMasterplan': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'record the adoption of the masterplan'),
        missing,
        state.status === 'initiated'
          ? ruleViolated('NOT_PRESENTED', 'The masterplan must be presented before it is adopted')
          : undefined,
        state.status === 'adopted'
          ? ruleViolated('ALREADY_ADOPTED', 'The masterplan is already adopted')
          : undefined,
        requireText(data.resolution?.reference, 'resolution.reference', 200),
        requireText(data.resolution?.body, 'resolution.body', 300),
        requireDate(data.resolution?.decidedOn, 'resolution.decidedOn'),
      );
      return refused ?? [{ type: 'MasterplanAdopted', data: { ...data, adoptedOn: day(ctx.now) } }];
    }
    default:
      return missing ?? decideCommitment(command, state.commitments, ctx);
  }
}

/** The masterplan decider: its state, events and rules in one object. */
export const masterplanDecider: Decider<
  MasterplanState,
  MasterplanEvent,
  MasterplanCommand,
  MasterplanContext
> = {
  ...masterplanAggregate,
  decide: decideMasterplan,
};
