import { actorAggregate } from '../actors/actor.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { dialogueDecider, type DialogueCommand } from './decide.js';

export class ScheduleDialogue extends DomainCommand<DataOf<DialogueCommand, 'ScheduleDialogue'>> {}
export class HoldDialogue extends DomainCommand<DataOf<DialogueCommand, 'HoldDialogue'>> {}
export class RecordDialogueMinutes extends DomainCommand<
  DataOf<DialogueCommand, 'RecordDialogueMinutes'>
> {}

const onDialogue =
  <T extends DialogueCommand['type']>(type: T) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<DialogueCommand, T>>) => {
    const data = command.data as DataOf<DialogueCommand, T> & {
      masterplanId?: string;
      participantActorIds?: string[];
    };
    return executor.execute({
      aggregate: dialogueDecider,
      entityId: data.dialogueId,
      commandName: type,
      meta: command.meta,
      input: command.data,
      decide: async (state) =>
        dialogueDecider.decide({ type, data } as DialogueCommand, state, {
          ...command.meta,
          masterplan: await executor.stateOf(masterplanAggregate, data.masterplanId),
          participants: await Promise.all(
            (data.participantActorIds ?? []).map(
              async (id) => (await executor.stateOf(actorAggregate, id))!,
            ),
          ),
        }),
    });
  };

export const dialogueHandlers = [
  commandHandler(ScheduleDialogue, onDialogue('ScheduleDialogue')),
  commandHandler(HoldDialogue, onDialogue('HoldDialogue')),
  commandHandler(RecordDialogueMinutes, onDialogue('RecordDialogueMinutes')),
];
