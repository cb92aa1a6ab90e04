import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Whether the server and its event store are serving.' })
export class Health {
  @Field({
    description:
      "'ok' when the event store answers, every read model follows the log within the server's lag bound and the reactions run (as GET /health/ready); 'degraded' otherwise (see problems).",
  })
  status!: 'ok' | 'degraded';

  @Field(() => [String], {
    description:
      "What is wrong, for a person (which part, and its state or position); empty when ok. The errors behind it are in the server's log.",
  })
  problems!: string[];

  @Field({ description: "The event-store engine in use: 'sqlite' (embedded) or 'eventstoredb'." })
  engine!: string;

  @Field({ description: "The engine's state: 'up' or 'down'." })
  state!: string;

  @Field({
    description:
      'What the engine reports about itself when up (mode, durability, size, or the head of the log).',
  })
  detail!: string;
}
