import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Field, InputType, Int } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { CONFIGURATION, type Configuration } from '@ml/config';
import { isDiskFull } from '@ml/event-store';
import { Projector } from '../projections/projector.js';
import { ReadStore } from '../read-store/read-store.js';
import { ReadView } from '../read-store/read-view.js';
import { commandMetadata, type CommandMetadata } from '../shared/command-metadata.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import type { DomainCommand } from '../shared/domain-command.js';
import { FollowerFailed } from '../shared/log-follower.js';
import { isRejection } from '../shared/rejection.js';
import { badInput, requireUser, type GqlContext } from './context.js';
import { readModelsStopped, rejectionError, storeFull } from './errors.js';
import type { Answer } from './payloads.js';

/** The options every mutation input carries. */
@InputType({ isAbstract: true })
export abstract class MutationInput {
  @Field(() => Int, {
    nullable: true,
    description:
      'The version of the entity you based this change on (from a query or an earlier payload). If the entity has changed since, the mutation fails with CONFLICT instead of applying to a state you have not seen. Leave it out to have lost races retried on the current state.',
  })
  expectedVersion?: number;

  @Field({
    nullable: true,
    description:
      'Any string unique to this intention (e.g. a UUID made by the client). Sending the same mutation again with the same key returns the first outcome and changes nothing, so retries after a network failure are safe.',
  })
  idempotencyKey?: string;
}

/** Runs one mutation of a feature: see MutationRunner.answeringWith. */
export type Mutate<Payload, Command = DomainCommand<unknown>> = (
  ctx: GqlContext,
  input: MutationInput,
  action: string,
  build: (meta: CommandMetadata) => Command | Promise<Command>,
) => Promise<Payload>;

/**
/** Told how each mutation's command went and how long it took (the server's metrics). */
export interface CommandMeter {
  /** `outcome`: 'ok', or the code of the GraphQL error the mutation answered with. */
  commandFinished(command: string, outcome: string, seconds: number): void;
}

/** The injection token of the CommandMeter, if the application has one. */
export const COMMAND_METER = Symbol('CommandMeter');

/**
 * The edge between GraphQL and the command bus: builds the metadata, turns a rejection into
 * its GraphQL error, and answers only once the read models show the change (read your writes).
 */
@Injectable()
export class MutationRunner {
  /** READ_YOUR_WRITES_TIMEOUT_MS: how long a mutation waits for the read models to show it. */
  private readonly readYourWritesMs: number;
  private readonly logger = new Logger('Commands');

  constructor(
    private readonly commands: CommandBus,
    private readonly projector: Projector,
    private readonly readStore: ReadStore,
    @Inject(CONFIGURATION) configuration: Configuration,
    @Optional() @Inject(COMMAND_METER) private readonly meter?: CommandMeter,
  ) {
    this.readYourWritesMs = configuration.READ_YOUR_WRITES_TIMEOUT_MS;
  }

  /**
   * How the mutations of a feature run, all alike: check who asks (`action` says what they
   * may not do without a token) and the input's options, run the command `build` makes
   * with that metadata, and `answer` once the read models show the change.
   */
  answeringWith<Command extends DomainCommand<unknown>, Payload>(
    answer: Answer<Command, Payload>,
  ): Mutate<Payload, Command> {
    return async (ctx, input, action, build) => {
      const command = await build(this.metadata(ctx, input, action));
      const outcome = await this.measured(command, () => this.run(ctx, command));
      return answer(ctx.view, outcome, command);
    };
  }

  private metadata(ctx: GqlContext, input: MutationInput, action: string): CommandMetadata {
    const user = requireUser(ctx, action);
    if (input.expectedVersion != null && input.expectedVersion < -1)
      throw badInput(
        `expectedVersion must be a version you read (0 or more), or -1 for "not created yet"; got ${input.expectedVersion}`,
        'expectedVersion',
      );
    return commandMetadata(user, {
      correlationId: ctx.correlationId,
      ...(input.expectedVersion != null ? { expectedVersion: input.expectedVersion } : {}),
      ...(input.idempotencyKey != null ? { idempotencyKey: input.idempotencyKey } : {}),
    });
  }

  /** Runs a command, telling the meter how it went: its answer's error code, or 'ok'. */
  private async measured(
    command: DomainCommand<unknown>,
    run: () => Promise<CommandOutcome>,
  ): Promise<CommandOutcome> {
    const name = command.constructor.name;
    const started = performance.now();
    let code = 'ok';
    try {
      const outcome = await run();
      this.logger.debug(`${name} ${outcome.repeated ? 'repeated' : 'stored'}`, {
        command: name,
        stream: outcome.streamId,
        position: outcome.position,
        version: outcome.version,
        events: outcome.events.map((event) => event.type),
      });
      return outcome;
    } catch (error) {
      code =
        error instanceof GraphQLError && typeof error.extensions.code === 'string'
          ? error.extensions.code
          : 'INTERNAL_SERVER_ERROR';
      throw error;
    } finally {
      this.meter?.commandFinished(name, code, (performance.now() - started) / 1000);
    }
  }

  private async run(ctx: GqlContext, command: DomainCommand<unknown>): Promise<CommandOutcome> {
    const result = await this.commands.execute(command).catch((error: unknown) => {
      throw isDiskFull(error) ? storeFull() : error;
    });
    if (isRejection(result)) throw rejectionError(result);
    await this.readYourWrites(result);
    ctx.view = new ReadView(this.readStore, undefined, ctx.view.budget);
    return result;
  }

  private async readYourWrites(outcome: CommandOutcome): Promise<void> {
    const stored = `The change was stored (position ${outcome.position}, version ${outcome.version})`;
    const where = { position: outcome.position, version: outcome.version };
    let reached: 'reached' | 'late';
    try {
      reached = await this.projector.waitFor(outcome.position, this.readYourWritesMs);
    } catch (error) {
      if (error instanceof FollowerFailed) throw readModelsStopped(error, stored, where);
      throw error;
    }
    if (reached === 'late') {
      const rebuilding = this.projector.rebuilding;
      const diskFull = this.projector.diskFull;
      throw new GraphQLError(
        rebuilding.length > 0
          ? `${stored} but this server is rebuilding its read models ${rebuilding.join(', ')} (their version changed); queries may not show it until they have caught up (projectionStatus shows how far). Do not repeat it without an idempotency key.`
          : diskFull
            ? `${stored} but this server's read models cannot store it now: the disk is full; queries show it once space has been freed. Do not repeat it without an idempotency key.`
            : `${stored} but the read models did not show it within ${this.readYourWritesMs} ms; queries may not show it yet. Do not repeat it without an idempotency key.`,
        {
          extensions: {
            code: 'READ_MODEL_LAGGING',
            ...where,
            ...(rebuilding.length > 0 ? { rebuilding } : {}),
            ...(diskFull ? { reason: 'DISK_FULL' } : {}),
          },
        },
      );
    }
  }
}
