import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { ReadView } from '../read-store/read-view.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import type { DomainCommand } from '../shared/domain-command.js';

/** What every mutation answers besides the changed entity. */
@ObjectType({ isAbstract: true })
export abstract class Changed {
  @Field(() => Int, {
    description:
      'The version of the changed stream after this change; use it as the next expectedVersion.',
  })
  version!: number;
  @Field({
    description: 'Log position of the change (to compare with asOfPosition or projectionStatus).',
  })
  position!: string;
  @Field({
    description:
      'True when this was a repeat of an earlier mutation with the same idempotencyKey: nothing changed now.',
  })
  repeated!: boolean;
}

/** How a feature answers its mutations, once the read models show the change. */
export type Answer<Command, Payload> = (
  view: ReadView,
  outcome: CommandOutcome,
  command: Command,
) => Promise<Payload>;

/**
 * A feature's payload: what changed, and under `field` the changed entity as the change
 * left it; the entity of the command's stream unless `idOf` names another.
 */
export const payload =
  <Field extends string, Entity, Command = DomainCommand<unknown>>(
    field: Field,
    load: (view: ReadView, id: string) => Promise<Entity>,
    idOf: (outcome: CommandOutcome, command: Command) => string = (outcome) => outcome.entityId,
  ): Answer<Command, Changed & Record<Field, Entity>> =>
  async (view, outcome, command) =>
    ({
      version: outcome.version,
      position: outcome.position,
      repeated: outcome.repeated,
      [field]: await load(view, idOf(outcome, command)),
    }) as Changed & Record<Field, Entity>;
