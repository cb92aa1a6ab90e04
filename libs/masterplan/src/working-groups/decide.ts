import type { Decider } from '../shared/decider.js';
import { workingGroupAggregate } from './working-group.js';
import type { ActorState } from '../actors/actor.js';
import { represents } from '../actors/actor.js';
import type { MasterplanState } from '../masterplans/masterplan.js';
import type { Decision, DecisionContext } from '../shared/decider.js';
import { forbidden, notFound, ruleViolated, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator, mustExist } from '../shared/rules.js';
import { firstRejection, requireText } from '../shared/validation.js';
import type { WorkingGroupEvent, WorkingGroupState } from './working-group.js';

export type WorkingGroupCommand =
  | {
      type: 'FormWorkingGroup';
      data: {
        workingGroupId: string;
        masterplanId: string;
        themeFieldId: string;
        name: string;
        facilitatorActorId: string;
      };
    }
  | { type: 'JoinWorkingGroup'; data: { workingGroupId: string; actorId: string } }
  | { type: 'LeaveWorkingGroup'; data: { workingGroupId: string; actorId: string } };

export interface WorkingGroupContext extends DecisionContext {
  masterplan?: MasterplanState;
  /** The facilitator (when forming) or the joining or leaving actor. */
  actor?: ActorState;
}

export function decideWorkingGroup(
  command: WorkingGroupCommand,
  state: WorkingGroupState,
  ctx: WorkingGroupContext,
): Decision<WorkingGroupEvent> {
  if (command.type === 'FormWorkingGroup') {
    const { data } = command;
    const refused = firstRejection(
      mustBeAdministrator(ctx.user, 'form working groups'),
      state.exists
        ? alreadyExists(
            'WORKING_GROUP_EXISTS',
            `Working group '${data.workingGroupId}' already exists`,
          )
        : undefined,
      ctx.masterplan?.exists
        ? undefined
        : notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${data.masterplanId}'`),
      ctx.masterplan?.exists && !ctx.masterplan.themeFields[data.themeFieldId]
        ? notFound(
            'THEME_FIELD_NOT_FOUND',
            `Masterplan '${ctx.masterplan.title}' has no theme field '${data.themeFieldId}'`,
          )
        : undefined,
      mustExist(ctx.actor, data.facilitatorActorId),
      requireText(data.name, 'name', 200),
    );
    return refused ?? [{ type: 'WorkingGroupFormed', data: { ...data, name: data.name.trim() } }];
  }
  const { data } = command;
  const joining = command.type === 'JoinWorkingGroup';
  const isMember = state.members.includes(data.actorId);
  const refused = firstRejection(
    state.exists
      ? undefined
      : notFound('WORKING_GROUP_NOT_FOUND', `There is no working group '${data.workingGroupId}'`),
    mustExist(ctx.actor, data.actorId),
    ctx.user.isAdministrator || represents(ctx.actor, ctx.user)
      ? undefined
      : forbidden(
          'NOT_A_REPRESENTATIVE',
          `Only administrators or a representative of '${data.actorId}' may ${joining ? 'join' : 'leave'} for it`,
        ),
    joining && isMember
      ? ruleViolated(
          'ALREADY_A_MEMBER',
          `${ctx.actor?.name} is already a member of '${state.name}'`,
        )
      : undefined,
    !joining && !isMember
      ? ruleViolated('NOT_A_MEMBER', `${ctx.actor?.name} is not a member of '${state.name}'`)
      : undefined,
  );
  if (refused) return refused;
  return joining
    ? [{ type: 'WorkingGroupMemberJoined', data }]
    : [{ type: 'WorkingGroupMemberLeft', data }];
}

/** The workingGroup decider: its state, events and rules in one object. */
export const workingGroupDecider: Decider<
  WorkingGroupState,
  WorkingGroupEvent,
  WorkingGroupCommand,
  WorkingGroupContext
> = {
  ...workingGroupAggregate,
  decide: decideWorkingGroup,
};
