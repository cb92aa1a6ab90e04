import { actorAggregate } from '../actors/actor.js';
import { decideMasterplan } from '../masterplans/decide.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { decideMeasure } from '../measures/decide.js';
import { measureAggregate } from '../measures/measure.js';
import { CommandExecutor } from '../shared/command-executor.js';
import type { Aggregate, Decision, DomainEvent } from '../shared/decider.js';
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
  aggregate: Aggregate<State, DomainEvent>;
  entityId: string;
  decide(command: CommitmentCommand, state: State, ctx: CommitmentContext): Decision<DomainEvent>;
};

/** A commitment lives in the stream of what it is made to: a measure, or the masterplan. */
function targetOf(data: {
  masterplanId: string;
  measureId?: string;
}): Target<{ commitments: Commitments }> {
  return (
    data.measureId
      ? { aggregate: measureAggregate, entityId: data.measureId, decide: decideMeasure }
      : { aggregate: masterplanAggregate, entityId: data.masterplanId, decide: decideMasterplan }
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
      aggregate: target.aggregate,
      entityId: target.entityId,
      commandName: type,
      meta,
      input: data,
      actingFor: (state) =>
        meta.user.isAdministrator && type === 'FulfilCommitment' ? undefined : actorIdOf(state),
      decide: async (state) =>
        target.decide({ type, data } as CommitmentCommand, state, {
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
