import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Whether the server and its event store are serving.' })
export class Health {
  @Field({
    description:
      "'ok' when the event store answers and every read model and reaction follows the log; 'degraded' otherwise (see problems).",
  })
  status!: 'ok' | 'degraded';

  @Field(() => [String], { description: 'What is wrong, for a person; empty when ok.' })
  problems!: string[];

  @Field({ description: "The event-store engine in use: 'sqlite' (embedded) or 'eventstoredb'." })
  engine!: string;

  @Field({ description: "The engine's state: 'up' or 'down'." })
  state!: string;

  @Field({
    description: 'What the engine reports about itself (file or connection, durability, size).',
  })
  detail!: string;
}
