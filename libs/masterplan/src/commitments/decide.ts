import type { ActorState } from '../actors/actor.js';
import { represents } from '../actors/actor.js';
import type { Decision, DecisionContext } from '../shared/decider.js';
import {
  forbidden,
  notFound,
  ruleViolated,
  type Rejection,
  alreadyExists,
} from '../shared/rejection.js';
import { mustRepresent } from '../shared/rules.js';
import { firstRejection, requireDate, requireText } from '../shared/validation.js';
import type { CommitmentEvent, Commitments } from './commitment.js';

export type CommitmentTarget = { masterplanId: string; measureId?: string };

export type CommitmentCommand =
  | {
      type: 'DeclareCommitment';
      data: CommitmentTarget & {
        commitmentId: string;
        actorId: string;
        statement: string;
        resources?: string;
        dueDate?: string;
      };
    }
  | { type: 'FulfilCommitment'; data: CommitmentTarget & { commitmentId: string; note: string } }
  | {
      type: 'WithdrawCommitment';
      data: CommitmentTarget & { commitmentId: string; reason: string };
    };

export interface CommitmentContext extends DecisionContext {
  /** The actor declaring, or holding, the commitment. */
  actor?: ActorState;
  /** Why the target takes no new commitments (e.g. a cancelled measure), if it does not. */
  targetClosed?: Rejection;
}

/** The rules of commitments, shared by measures and masterplans (the two things one commits to). */
export function decideCommitment(
  command: CommitmentCommand,
  commitments: Commitments,
  ctx: CommitmentContext,
): Decision<CommitmentEvent> {
  const target = command.data.measureId
    ? `measure '${command.data.measureId}'`
    : `masterplan '${command.data.masterplanId}'`;
  switch (command.type) {
    case 'DeclareCommitment': {
      const { data } = command;
      const refused = firstRejection(
        mustRepresent(ctx.actor, data.actorId, ctx.user),
        ctx.targetClosed,
        requireText(data.statement, 'statement', 4000),
        data.resources !== undefined ? requireText(data.resources, 'resources', 2000) : undefined,
        requireDate(data.dueDate, 'dueDate'),
        commitments[data.commitmentId]
          ? alreadyExists('COMMITMENT_EXISTS', `Commitment '${data.commitmentId}' already exists`)
          : undefined,
        Object.values(commitments).some((c) => c.actorId === data.actorId && c.status === 'active')
          ? ruleViolated(
              'ALREADY_COMMITTED',
              `${ctx.actor?.name ?? data.actorId} already holds an active commitment to ${target}; withdraw or fulfil it first`,
            )
          : undefined,
      );
      if (refused) return refused;
      return [
        {
          type: 'CommitmentDeclared',
          data: {
            commitmentId: data.commitmentId,
            actorId: data.actorId,
            masterplanId: data.masterplanId,
            ...(data.measureId ? { measureId: data.measureId } : {}),
            statement: data.statement.trim(),
            ...(data.resources ? { resources: data.resources } : {}),
            ...(data.dueDate ? { dueDate: data.dueDate } : {}),
          },
        },
      ];
    }
    case 'FulfilCommitment':
    case 'WithdrawCommitment': {
      const { data } = command;
      const commitment = commitments[data.commitmentId];
      if (!commitment)
        return notFound(
          'COMMITMENT_NOT_FOUND',
          `There is no commitment '${data.commitmentId}' to ${target}`,
        );
      const withdrawing = command.type === 'WithdrawCommitment';
      // Withdrawing is the actor's own word; fulfilment may also be confirmed by an administrator.
      const mayAct = represents(ctx.actor, ctx.user) || (!withdrawing && ctx.user.isAdministrator);
      const refused = firstRejection(
        mayAct
          ? undefined
          : forbidden(
              'NOT_A_REPRESENTATIVE',
              `User '${ctx.user.userId}' is not a representative of ${ctx.actor?.name ?? commitment.actorId}`,
            ),
        commitment.status !== 'active'
          ? ruleViolated(
              'COMMITMENT_NOT_ACTIVE',
              `Commitment '${data.commitmentId}' is already ${commitment.status}`,
            )
          : undefined,
        withdrawing
          ? requireText(command.data.reason, 'reason')
          : requireText(command.data.note, 'note'),
      );
      if (refused) return refused;
      return command.type === 'WithdrawCommitment'
        ? [
            {
              type: 'CommitmentWithdrawn',
              data: {
                commitmentId: data.commitmentId,
                actorId: commitment.actorId,
                reason: command.data.reason,
              },
            },
          ]
        : [
            {
              type: 'CommitmentFulfilled',
              data: {
                commitmentId: data.commitmentId,
                actorId: commitment.actorId,
                note: command.data.note,
              },
            },
          ];
    }
  }
}
