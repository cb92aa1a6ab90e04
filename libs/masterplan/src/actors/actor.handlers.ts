import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { actorDecider, type ActorCommand } from './decide.js';

export class RegisterActor extends DomainCommand<DataOf<ActorCommand, 'RegisterActor'>> {}
export class AppointRepresentative extends DomainCommand<
  DataOf<ActorCommand, 'AppointRepresentative'>
> {}
export class RevokeRepresentative extends DomainCommand<
  DataOf<ActorCommand, 'RevokeRepresentative'>
> {}

const onActor =
  <T extends ActorCommand['type']>(type: T) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<ActorCommand, T>>) =>
    executor.execute({
      aggregate: actorDecider,
      entityId: command.data.actorId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      decide: (state) =>
        actorDecider.decide({ type, data: command.data } as ActorCommand, state, command.meta),
    });

export const actorHandlers = [
  commandHandler(RegisterActor, onActor('RegisterActor')),
  commandHandler(AppointRepresentative, onActor('AppointRepresentative')),
  commandHandler(RevokeRepresentative, onActor('RevokeRepresentative')),
];
