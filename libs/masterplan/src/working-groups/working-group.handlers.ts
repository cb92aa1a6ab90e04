import { actorAggregate } from '../actors/actor.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { workingGroupDecider, type WorkingGroupCommand } from './decide.js';

export class FormWorkingGroup extends DomainCommand<
  DataOf<WorkingGroupCommand, 'FormWorkingGroup'>
> {}
export class JoinWorkingGroup extends DomainCommand<
  DataOf<WorkingGroupCommand, 'JoinWorkingGroup'>
> {}
export class LeaveWorkingGroup extends DomainCommand<
  DataOf<WorkingGroupCommand, 'LeaveWorkingGroup'>
> {}

const onWorkingGroup =
  <T extends WorkingGroupCommand['type']>(type: T) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<WorkingGroupCommand, T>>) => {
    const data = command.data as DataOf<WorkingGroupCommand, T> & {
      actorId?: string;
      facilitatorActorId?: string;
      masterplanId?: string;
    };
    const actorId = data.actorId ?? data.facilitatorActorId;
    return executor.execute({
      aggregate: workingGroupDecider,
      entityId: data.workingGroupId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      // Joining and leaving are done by the actor's representative, or by an administrator.
      ...(data.actorId !== undefined && !command.meta.user.isAdministrator
        ? { actingFor: data.actorId }
        : {}),
      decide: async (state) =>
        workingGroupDecider.decide({ type, data } as WorkingGroupCommand, state, {
          ...command.meta,
          actor: await executor.stateOf(actorAggregate, actorId),
          masterplan: await executor.stateOf(masterplanAggregate, data.masterplanId),
        }),
    });
  };

export const workingGroupHandlers = [
  commandHandler(FormWorkingGroup, onWorkingGroup('FormWorkingGroup')),
  commandHandler(JoinWorkingGroup, onWorkingGroup('JoinWorkingGroup')),
  commandHandler(LeaveWorkingGroup, onWorkingGroup('LeaveWorkingGroup')),
];
