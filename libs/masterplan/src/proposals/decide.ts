import type { Decider } from '../shared/decider.js';
import { proposalAggregate } from './proposal.js';
import type { ActorState } from '../actors/actor.js';
import type { MasterplanState } from '../masterplans/masterplan.js';
import { MEASURE_KINDS, type MeasureKind } from '../measures/measure.js';
import type { WorkingGroupState } from '../working-groups/working-group.js';
import type { Decision, DecisionContext } from '../shared/decider.js';
import { notFound, ruleViolated, type Rejection, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator, mustRepresent } from '../shared/rules.js';
import { firstRejection, requireOneOf, requireText } from '../shared/validation.js';
import type { ProposalEvent, ProposalState, ProposalStatus } from './proposal.js';

export type ProposalCommand =
  | {
      type: 'SubmitProposal';
      data: {
        proposalId: string;
        masterplanId: string;
        themeFieldId: string;
        actorId: string;
        workingGroupId?: string;
        title: string;
        description: string;
      };
    }
  | { type: 'ReviseProposal'; data: { proposalId: string; title?: string; description?: string } }
  | { type: 'WithdrawProposal'; data: { proposalId: string; reason: string } }
  | {
      type: 'AcceptProposal';
      data: { proposalId: string; measureId: string; measureKind: MeasureKind };
    }
  | { type: 'RejectProposal'; data: { proposalId: string; reason: string } };

export interface ProposalContext extends DecisionContext {
  masterplan?: MasterplanState;
  /** The submitting actor. */
  actor?: ActorState;
  workingGroup?: WorkingGroupState;
}

/** Which transitions each status allows; everything else is refused with the status named. */
const ONLY_WHILE_SUBMITTED: Record<Exclude<ProposalStatus, 'submitted'>, string> = {
  withdrawn: 'PROPOSAL_WITHDRAWN',
  accepted: 'PROPOSAL_ACCEPTED',
  rejected: 'PROPOSAL_REJECTED',
};

export function decideProposal(
  command: ProposalCommand,
  state: ProposalState,
  ctx: ProposalContext,
): Decision<ProposalEvent> {
  if (command.type === 'SubmitProposal') return submit(command.data, state, ctx);
  if (!state.exists)
    return notFound('PROPOSAL_NOT_FOUND', `There is no proposal '${command.data.proposalId}'`);
  const settled: Rejection | undefined =
    state.status === 'submitted'
      ? undefined
      : ruleViolated(
          ONLY_WHILE_SUBMITTED[state.status],
          `Proposal '${state.title}' is already ${state.status}`,
        );
  switch (command.type) {
    case 'ReviseProposal': {
      const title = command.data.title ?? state.title;
      const description = command.data.description ?? state.description;
      const refused = firstRejection(
        mustRepresent(ctx.actor, state.actorId, ctx.user),
        settled,
        requireText(title, 'title', 300),
        requireText(description, 'description', 8000),
        title === state.title && description === state.description
          ? ruleViolated('NOTHING_CHANGED', 'A revision must change the title or the description')
          : undefined,
      );
      return (
        refused ?? [
          { type: 'ProposalRevised', data: { proposalId: state.proposalId, title, description } },
        ]
      );
    }
    case 'WithdrawProposal': {
      const refused = firstRejection(
        mustRepresent(ctx.actor, state.actorId, ctx.user),
        settled,
        requireText(command.data.reason, 'reason'),
      );
      return refused ?? [{ type: 'ProposalWithdrawn', data: command.data }];
    }
    case 'AcceptProposal': {
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'accept proposals'),
        settled,
        requireOneOf(command.data.measureKind, MEASURE_KINDS, 'measureKind'),
      );
      if (refused) return refused;
      return [
        {
          type: 'ProposalAccepted',
          data: {
            proposalId: state.proposalId,
            masterplanId: state.masterplanId,
            themeFieldId: state.themeFieldId,
            measureId: command.data.measureId,
            measureKind: command.data.measureKind,
            title: state.title,
            description: state.description,
          },
        },
      ];
    }
    case 'RejectProposal': {
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'reject proposals'),
        settled,
        requireText(command.data.reason, 'reason'),
      );
      return refused ?? [{ type: 'ProposalRejected', data: command.data }];
    }
  }
}

function submit(
  data: Extract<ProposalCommand, { type: 'SubmitProposal' }>['data'],
  state: ProposalState,
  ctx: ProposalContext,
): Decision<ProposalEvent> {
  const { masterplan, workingGroup } = ctx;
  const refused = firstRejection(
    state.exists
      ? alreadyExists('PROPOSAL_EXISTS', `Proposal '${data.proposalId}' already exists`)
      : undefined,
    mustRepresent(ctx.actor, data.actorId, ctx.user),
    masterplan?.exists
      ? undefined
      : notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${data.masterplanId}'`),
    masterplan?.exists && !masterplan.themeFields[data.themeFieldId]
      ? notFound(
          'THEME_FIELD_NOT_FOUND',
          `Masterplan '${masterplan.title}' has no theme field '${data.themeFieldId}'`,
        )
      : undefined,
    masterplan?.status === 'adopted'
      ? ruleViolated('MASTERPLAN_ADOPTED', 'The masterplan is adopted and takes no new proposals')
      : undefined,
    data.workingGroupId !== undefined ? workingGroupRule(data, workingGroup) : undefined,
    requireText(data.title, 'title', 300),
    requireText(data.description, 'description', 8000),
  );
  return refused ?? [{ type: 'ProposalSubmitted', data: { ...data, title: data.title.trim() } }];
}

function workingGroupRule(
  data: { workingGroupId?: string; actorId: string; masterplanId: string },
  group: WorkingGroupState | undefined,
): Rejection | undefined {
  if (!group?.exists)
    return notFound(
      'WORKING_GROUP_NOT_FOUND',
      `There is no working group '${data.workingGroupId}'`,
    );
  if (group.masterplanId !== data.masterplanId) {
    return ruleViolated(
      'WORKING_GROUP_OF_OTHER_MASTERPLAN',
      `Working group '${group.name}' works on another masterplan`,
    );
  }
  if (!group.members.includes(data.actorId)) {
    return ruleViolated(
      'NOT_A_MEMBER',
      `Actor '${data.actorId}' is not a member of working group '${group.name}'`,
    );
  }
  return undefined;
}

/** The proposal decider: its state, events and rules in one object. */
export const proposalDecider: Decider<
  ProposalState,
  ProposalEvent,
  ProposalCommand,
  ProposalContext
> = {
  ...proposalAggregate,
  decide: decideProposal,
};
