import { actorAggregate } from '../actors/actor.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { jointDeclarationDecider, type JointDeclarationCommand } from './decide.js';

export class DraftJointDeclaration extends DomainCommand<
  DataOf<JointDeclarationCommand, 'DraftJointDeclaration'>
> {}
export class SignJointDeclaration extends DomainCommand<
  DataOf<JointDeclarationCommand, 'SignJointDeclaration'>
> {}
export class PublishJointDeclaration extends DomainCommand<
  DataOf<JointDeclarationCommand, 'PublishJointDeclaration'>
> {}

const onDeclaration =
  <T extends JointDeclarationCommand['type']>(type: T) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<JointDeclarationCommand, T>>) => {
    const data = command.data as DataOf<JointDeclarationCommand, T> & {
      actorId?: string;
      masterplanId?: string;
    };
    return executor.execute({
      aggregate: jointDeclarationDecider,
      entityId: data.declarationId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      ...(data.actorId !== undefined ? { actingFor: data.actorId } : {}),
      decide: async (state) =>
        jointDeclarationDecider.decide({ type, data } as JointDeclarationCommand, state, {
          ...command.meta,
          actor: await executor.stateOf(actorAggregate, data.actorId),
          masterplan: await executor.stateOf(masterplanAggregate, data.masterplanId),
        }),
    });
  };

export const jointDeclarationHandlers = [
  commandHandler(DraftJointDeclaration, onDeclaration('DraftJointDeclaration')),
  commandHandler(SignJointDeclaration, onDeclaration('SignJointDeclaration')),
  commandHandler(PublishJointDeclaration, onDeclaration('PublishJointDeclaration')),
];
