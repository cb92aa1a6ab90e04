import { actorAggregate } from '../actors/actor.js';
import { dialogueAggregate } from '../dialogues/dialogue.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { masterplanDecider, type MasterplanCommand } from './decide.js';

export class InitiateMasterplan extends DomainCommand<
  DataOf<MasterplanCommand, 'InitiateMasterplan'>
> {}
export class DefineThemeField extends DomainCommand<
  DataOf<MasterplanCommand, 'DefineThemeField'>
> {}
export class ScheduleMilestone extends DomainCommand<
  DataOf<MasterplanCommand, 'ScheduleMilestone'>
> {}
export class ReachMilestone extends DomainCommand<DataOf<MasterplanCommand, 'ReachMilestone'>> {}
export class PresentMasterplan extends DomainCommand<
  DataOf<MasterplanCommand, 'PresentMasterplan'>
> {}
export class AdoptMasterplan extends DomainCommand<DataOf<MasterplanCommand, 'AdoptMasterplan'>> {}

/** Runs a command on the masterplan stream; commitments to the whole masterplan go here too. */
export const onMasterplan =
  <T extends MasterplanCommand['type']>(
    type: T,
    actorIdOf?: (data: DataOf<MasterplanCommand, T>) => string | undefined,
  ) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<MasterplanCommand, T>>) => {
    const actorId = actorIdOf?.(command.data);
    return executor.execute({
      aggregate: masterplanDecider,
      entityId: command.data.masterplanId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      ...(actorId !== undefined ? { actingFor: actorId } : {}),
      decide: async (state) =>
        masterplanDecider.decide({ type, data: command.data } as MasterplanCommand, state, {
          ...command.meta,
          actor: await executor.stateOf(actorAggregate, actorId),
          dialogue: await executor.stateOf(
            dialogueAggregate,
            (command.data as { dialogueId?: string }).dialogueId,
          ),
        }),
    });
  };

export const masterplanHandlers = [
  commandHandler(InitiateMasterplan, onMasterplan('InitiateMasterplan')),
  commandHandler(DefineThemeField, onMasterplan('DefineThemeField')),
  commandHandler(ScheduleMilestone, onMasterplan('ScheduleMilestone')),
  commandHandler(ReachMilestone, onMasterplan('ReachMilestone')),
  commandHandler(PresentMasterplan, onMasterplan('PresentMasterplan')),
  commandHandler(AdoptMasterplan, onMasterplan('AdoptMasterplan')),
];
