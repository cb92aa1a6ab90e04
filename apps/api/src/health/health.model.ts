import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Whether the server and its event store are serving.' })
export class Health {
  @Field({ description: "'ok' when the event store answers, 'degraded' when it does not." })
  status!: 'ok' | 'degraded';

  @Field({ description: "The event-store engine in use: 'sqlite' (embedded) or 'eventstoredb'." })
  engine!: string;

  @Field({ description: "The engine's state: 'up' or 'down'." })
  state!: string;

  @Field({
    description: 'What the engine reports about itself (file or connection, durability, size).',
  })
  detail!: string;
}
