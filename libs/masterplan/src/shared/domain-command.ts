import { Inject, type Type } from '@nestjs/common';
import { Command, CommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from './command-metadata.js';
import { CommandExecutor, type CommandOutcome } from './command-executor.js';
import type { Rejection } from './rejection.js';

/** What every command handler answers: the change made, or why it was refused. */
export type CommandResult = CommandOutcome | Rejection;

/** A command as it travels on Nest's command bus: typed data and its metadata. */
export abstract class DomainCommand<Data> extends Command<CommandResult> {
  constructor(
    readonly data: Data,
    readonly meta: CommandMetadata,
  ) {
    super();
  }
}

/** The data of one variant of a decider's command union. */
export type DataOf<
  Union extends { type: string; data: unknown },
  Type extends Union['type'],
> = Extract<Union, { type: Type }>['data'];

/**
 * One handler class per command: `run` says how that command is decided and stored. The
 * class is named after the command (`DeclareCommitmentHandler`) for Nest's logs.
 */
export function commandHandler<C extends DomainCommand<unknown>>(
  commandClass: Type<C>,
  run: (executor: CommandExecutor, command: C) => Promise<CommandResult>,
): Type<{ execute(command: C): Promise<CommandResult> }> {
  @CommandHandler(commandClass)
  class Handler {
    constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}
    execute(command: C): Promise<CommandResult> {
      return run(this.executor, command);
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${commandClass.name}Handler` });
  return Handler;
}
