import type { Decider } from '../shared/decider.js';
import { measureAggregate } from './measure.js';
import type { ActorState } from '../actors/actor.js';
import { represents } from '../actors/actor.js';
import {
  decideCommitment,
  type CommitmentCommand,
  type CommitmentContext,
} from '../commitments/decide.js';
import type { MasterplanState } from '../masterplans/masterplan.js';
import type { ProposalState } from '../proposals/proposal.js';
import type { Decision } from '../shared/decider.js';
import {
  forbidden,
  invalid,
  notFound,
  ruleViolated,
  type Rejection,
  alreadyExists,
} from '../shared/rejection.js';
import { mustBeAdministrator, mustExist } from '../shared/rules.js';
import { firstRejection, requireOneOf, requireText } from '../shared/validation.js';
import {
  ASSIGNMENT_ROLES,
  MEASURE_KINDS,
  type AssignmentRole,
  type MeasureEvent,
  type MeasureKind,
  type MeasureState,
} from './measure.js';

export type MeasureCommand =
  | {
      type: 'DefineMeasure';
      data: {
        measureId: string;
        masterplanId: string;
        themeFieldId: string;
        title: string;
        description: string;
        kind: MeasureKind;
        sourceProposalId?: string;
      };
    }
  | { type: 'AssignMeasure'; data: { measureId: string; actorId: string; role: AssignmentRole } }
  | { type: 'UnassignMeasure'; data: { measureId: string; actorId: string; reason: string } }
  | {
      type: 'ReportMeasureProgress';
      data: { measureId: string; percentComplete: number; note: string; actorId?: string };
    }
  | { type: 'CompleteMeasure'; data: { measureId: string; note: string } }
  | { type: 'CancelMeasure'; data: { measureId: string; reason: string } }
  | CommitmentCommand;

export interface MeasureContext extends CommitmentContext {
  masterplan?: MasterplanState;
  /** The proposal a measure is defined from, if any. */
  proposal?: ProposalState;
  /** The actor being assigned, or reporting progress. */
  actor?: ActorState;
}

export function decideMeasure(
  command: MeasureCommand,
  state: MeasureState,
  ctx: MeasureContext,
): Decision<MeasureEvent> {
  if (command.type === 'DefineMeasure') return defineMeasure(command.data, state, ctx);
  const missing = state.exists
    ? undefined
    : notFound('MEASURE_NOT_FOUND', `There is no measure '${command.data.measureId}'`);
  const closed: Rejection | undefined =
    state.status !== 'open'
      ? ruleViolated(
          state.status === 'cancelled' ? 'MEASURE_CANCELLED' : 'MEASURE_COMPLETED',
          `Measure '${state.title}' is ${state.status}`,
        )
      : undefined;
  switch (command.type) {
    case 'AssignMeasure': {
      const { data } = command;
      const current = state.assignments[data.actorId];
      const lead = Object.entries(state.assignments).find(([, role]) => role === 'lead');
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'assign measures'),
        missing,
        requireOneOf(data.role, ASSIGNMENT_ROLES, 'role'),
        mustExist(ctx.actor, data.actorId),
        closed && ruleViolated(closed.reason, `${closed.message} and takes no new assignments`),
        current
          ? ruleViolated(
              'ALREADY_ASSIGNED',
              `${ctx.actor?.name ?? data.actorId} is already assigned as ${current}; unassign first to change the role`,
            )
          : undefined,
        data.role === 'lead' && lead
          ? ruleViolated(
              'LEAD_TAKEN',
              `Measure '${state.title}' already has a lead actor ('${lead[0]}')`,
            )
          : undefined,
      );
      return refused ?? [{ type: 'MeasureAssigned', data }];
    }
    case 'UnassignMeasure': {
      const { data } = command;
      const role = state.assignments[data.actorId];
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'unassign measures'),
        missing,
        role
          ? undefined
          : ruleViolated(
              'NOT_ASSIGNED',
              `Actor '${data.actorId}' is not assigned to measure '${state.title}'`,
            ),
        requireText(data.reason, 'reason'),
      );
      return refused ?? [{ type: 'MeasureUnassigned', data: { ...data, role: role! } }];
    }
    case 'ReportMeasureProgress': {
      const { data } = command;
      const reporter = data.actorId;
      // The administrators, or a representative of an actor assigned to the measure, report progress.
      const mayReport =
        ctx.user.isAdministrator ||
        (reporter !== undefined &&
          state.assignments[reporter] !== undefined &&
          represents(ctx.actor, ctx.user));
      const refused = firstRejection(
        missing,
        mayReport
          ? undefined
          : forbidden(
              'NOT_ASSIGNED',
              'Only administrators or a representative of an assigned actor may report progress',
            ),
        closed,
        Number.isInteger(data.percentComplete) &&
          data.percentComplete >= 0 &&
          data.percentComplete <= 100
          ? undefined
          : invalid(
              'OUT_OF_RANGE',
              `percentComplete must be a whole number from 0 to 100, not ${data.percentComplete}`,
            ),
        requireText(data.note, 'note', 4000),
      );
      return (
        refused ?? [
          {
            type: 'MeasureProgressReported',
            data: {
              measureId: data.measureId,
              percentComplete: data.percentComplete,
              note: data.note,
            },
          },
        ]
      );
    }
    case 'CompleteMeasure':
    case 'CancelMeasure': {
      const completing = command.type === 'CompleteMeasure';
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, completing ? 'complete measures' : 'cancel measures'),
        missing,
        closed,
        completing
          ? requireText(command.data.note, 'note')
          : requireText(command.data.reason, 'reason'),
      );
      if (refused) return refused;
      return command.type === 'CompleteMeasure'
        ? [{ type: 'MeasureCompleted', data: command.data }]
        : [{ type: 'MeasureCancelled', data: command.data }];
    }
    default: {
      const targetClosed =
        command.type === 'DeclareCommitment' && closed
          ? ruleViolated(closed.reason, `${closed.message} and takes no new commitments`)
          : undefined;
      // A commitment names its masterplan too: it must be the measure's own.
      const elsewhere =
        state.exists && command.data.masterplanId !== state.masterplanId
          ? invalid(
              'MEASURE_OF_OTHER_MASTERPLAN',
              `Measure '${state.title}' belongs to masterplan '${state.masterplanId}', not '${command.data.masterplanId}'`,
            )
          : undefined;
      return (
        missing ??
        elsewhere ??
        decideCommitment(command, state.commitments, {
          ...ctx,
          ...(targetClosed ? { targetClosed } : {}),
        })
      );
    }
  }
}

function defineMeasure(
  data: Extract<MeasureCommand, { type: 'DefineMeasure' }>['data'],
  state: MeasureState,
  ctx: MeasureContext,
): Decision<MeasureEvent> {
  const { masterplan, proposal } = ctx;
  const refused = firstRejection(
    mustBeAdministrator(ctx.user, 'define measures'),
    state.exists
      ? alreadyExists('MEASURE_EXISTS', `Measure '${data.measureId}' is already defined`)
      : undefined,
    masterplan?.exists
      ? undefined
      : notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${data.masterplanId}'`),
    masterplan?.exists && !masterplan.themeFields[data.themeFieldId]
      ? notFound(
          'THEME_FIELD_NOT_FOUND',
          `Masterplan '${masterplan.title}' has no theme field '${data.themeFieldId}'`,
        )
      : undefined,
    requireText(data.title, 'title', 300),
    requireText(data.description, 'description', 8000),
    requireOneOf(data.kind, MEASURE_KINDS, 'kind'),
    data.sourceProposalId !== undefined ? sourceProposalRule(data, proposal) : undefined,
  );
  return refused ?? [{ type: 'MeasureDefined', data: { ...data, title: data.title.trim() } }];
}

/** Only an accepted proposal becomes a measure, and only the one it was accepted as. */
function sourceProposalRule(
  data: { measureId: string; sourceProposalId?: string; masterplanId: string },
  proposal: ProposalState | undefined,
): Rejection | undefined {
  if (!proposal?.exists)
    return notFound('PROPOSAL_NOT_FOUND', `There is no proposal '${data.sourceProposalId}'`);
  if (proposal.status !== 'accepted') {
    return ruleViolated(
      'PROPOSAL_NOT_ACCEPTED',
      `Proposal '${proposal.title}' is ${proposal.status}; only an accepted proposal becomes a measure`,
    );
  }
  if (proposal.measureId !== data.measureId || proposal.masterplanId !== data.masterplanId) {
    return ruleViolated(
      'PROPOSAL_ACCEPTED_AS_OTHER_MEASURE',
      `Proposal '${proposal.title}' was accepted as measure '${proposal.measureId}'`,
    );
  }
  return undefined;
}

/** The measure decider: its state, events and rules in one object. */
export const measureDecider: Decider<MeasureState, MeasureEvent, MeasureCommand, MeasureContext> = {
  ...measureAggregate,
  decide: decideMeasure,
};
