import { actorAggregate } from '../actors/actor.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { workingGroupAggregate } from '../working-groups/working-group.js';
import { proposalDecider, type ProposalCommand } from './decide.js';
import type { ProposalState } from './proposal.js';

export class SubmitProposal extends DomainCommand<DataOf<ProposalCommand, 'SubmitProposal'>> {}
export class ReviseProposal extends DomainCommand<DataOf<ProposalCommand, 'ReviseProposal'>> {}
export class WithdrawProposal extends DomainCommand<DataOf<ProposalCommand, 'WithdrawProposal'>> {}
export class AcceptProposal extends DomainCommand<DataOf<ProposalCommand, 'AcceptProposal'>> {}
export class RejectProposal extends DomainCommand<DataOf<ProposalCommand, 'RejectProposal'>> {}

/**
 * Runs a command on a proposal stream. The submitting actor is the one named when
 * submitting, and the stored submitter afterwards; representatives act for it.
 */
const onProposal =
  <T extends ProposalCommand['type']>(type: T, options: { actsForSubmitter?: boolean } = {}) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<ProposalCommand, T>>) => {
    const submit =
      type === 'SubmitProposal'
        ? (command.data as DataOf<ProposalCommand, 'SubmitProposal'>)
        : undefined;
    const submitterOf = (state: ProposalState) =>
      submit?.actorId ?? (state.exists ? state.actorId : undefined);
    return executor.execute({
      aggregate: proposalDecider,
      entityId: command.data.proposalId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      actingFor: (state) => (options.actsForSubmitter ? submitterOf(state) : undefined),
      decide: async (state) =>
        proposalDecider.decide({ type, data: command.data } as ProposalCommand, state, {
          ...command.meta,
          actor: await executor.stateOf(actorAggregate, submitterOf(state)),
          masterplan: await executor.stateOf(masterplanAggregate, submit?.masterplanId),
          workingGroup: await executor.stateOf(workingGroupAggregate, submit?.workingGroupId),
        }),
    });
  };

export const proposalHandlers = [
  commandHandler(SubmitProposal, onProposal('SubmitProposal', { actsForSubmitter: true })),
  commandHandler(ReviseProposal, onProposal('ReviseProposal', { actsForSubmitter: true })),
  commandHandler(WithdrawProposal, onProposal('WithdrawProposal', { actsForSubmitter: true })),
  commandHandler(AcceptProposal, onProposal('AcceptProposal')),
  commandHandler(RejectProposal, onProposal('RejectProposal')),
];
