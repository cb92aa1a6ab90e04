import { actorAggregate } from '../actors/actor.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { proposalAggregate } from '../proposals/proposal.js';
import { CommandExecutor } from '../shared/command-executor.js';
import { DomainCommand, commandHandler, type DataOf } from '../shared/domain-command.js';
import { measureDecider, type MeasureCommand } from './decide.js';

export class DefineMeasure extends DomainCommand<DataOf<MeasureCommand, 'DefineMeasure'>> {}
export class AssignMeasure extends DomainCommand<DataOf<MeasureCommand, 'AssignMeasure'>> {}
export class UnassignMeasure extends DomainCommand<DataOf<MeasureCommand, 'UnassignMeasure'>> {}
export class ReportMeasureProgress extends DomainCommand<
  DataOf<MeasureCommand, 'ReportMeasureProgress'>
> {}
export class CompleteMeasure extends DomainCommand<DataOf<MeasureCommand, 'CompleteMeasure'>> {}
export class CancelMeasure extends DomainCommand<DataOf<MeasureCommand, 'CancelMeasure'>> {}

/**
 * Runs a command on a measure stream. The actor named in the command's data (assigned or
 * reporting) is looked up; with `actsForActor` the user is recorded as acting for it.
 */
export const onMeasure =
  <T extends MeasureCommand['type']>(type: T, options: { actsForActor?: boolean } = {}) =>
  (executor: CommandExecutor, command: DomainCommand<DataOf<MeasureCommand, T>>) => {
    const data = command.data as DataOf<MeasureCommand, T> & { actorId?: string };
    const define =
      type === 'DefineMeasure' ? (data as DataOf<MeasureCommand, 'DefineMeasure'>) : undefined;
    return executor.execute({
      aggregate: measureDecider,
      entityId: data.measureId!,
      commandName: type,
      meta: command.meta,
      input: command.data,
      ...(options.actsForActor && data.actorId !== undefined ? { actingFor: data.actorId } : {}),
      decide: async (state) =>
        measureDecider.decide({ type, data } as MeasureCommand, state, {
          ...command.meta,
          actor: await executor.stateOf(actorAggregate, data.actorId),
          masterplan: await executor.stateOf(masterplanAggregate, define?.masterplanId),
          proposal: await executor.stateOf(proposalAggregate, define?.sourceProposalId),
        }),
    });
  };

export const measureHandlers = [
  commandHandler(DefineMeasure, onMeasure('DefineMeasure')),
  commandHandler(AssignMeasure, onMeasure('AssignMeasure')),
  commandHandler(UnassignMeasure, onMeasure('UnassignMeasure')),
  commandHandler(ReportMeasureProgress, onMeasure('ReportMeasureProgress', { actsForActor: true })),
  commandHandler(CompleteMeasure, onMeasure('CompleteMeasure')),
  commandHandler(CancelMeasure, onMeasure('CancelMeasure')),
];
