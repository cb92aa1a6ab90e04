import { actorAggregate } from '../actors/actor.js';
import { masterplanDecider } from '../masterplans/decide.js';
import { measureDecider } from '../measures/decide.js';
import { CommandExecutor } from '../shared/command-executor.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import type { Commitments } from './commitment.js';
import type { CommitmentCommand, CommitmentContext } from './decide.js';

export class DeclareCommitment extends DomainCommand<
  DataOf<CommitmentCommand, 'DeclareCommitment'>
> {}
export class FulfilCommitment extends DomainCommand<
  DataOf<CommitmentCommand, 'FulfilCommitment'>
> {}
export class WithdrawCommitment extends DomainCommand<
  DataOf<CommitmentCommand, 'WithdrawCommitment'>
> {}

type Target<State> = {
  decider: Decider<State, DomainEvent, CommitmentCommand, CommitmentContext>;
  entityId: string;
};

/** A commitment lives in the stream of what it is made to: a measure, or the masterplan. */
function targetOf(data: {
  masterplanId: string;
  measureId?: string;
}): Target<{ commitments: Commitments }> {
  return (
    data.measureId
      ? { decider: measureDecider, entityId: data.measureId }
      : { decider: masterplanDecider, entityId: data.masterplanId }
  ) as Target<{ commitments: Commitments }>;
}

const onCommitment =
  <T extends CommitmentCommand['type']>(type: T) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<CommitmentCommand, T>>) => {
    const { data, meta } = command;
    const target = targetOf(data);
    // Declaring names the actor; fulfilling and withdrawing act for the commitment's holder.
    const actorIdOf = (state: { commitments: Commitments }) =>
      'actorId' in data ? (data.actorId as string) : state.commitments[data.commitmentId]?.actorId;
    return executor.execute({
      aggregate: target.decider,
      entityId: target.entityId,
      commandName: type,
      meta,
      input: data,
      actingFor: (state) =>
        meta.user.isAdministrator && type === 'FulfilCommitment' ? undefined : actorIdOf(state),
      decide: async (state) =>
        target.decider.decide({ type, data } as CommitmentCommand, state, {
          ...meta,
          actor: await executor.stateOf(actorAggregate, actorIdOf(state)),
        }),
    });
  };

export const commitmentHandlers = [
  commandHandler(DeclareCommitment, onCommitment('DeclareCommitment')),
  commandHandler(FulfilCommitment, onCommitment('FulfilCommitment')),
  commandHandler(WithdrawCommitment, onCommitment('WithdrawCommitment')),
];
