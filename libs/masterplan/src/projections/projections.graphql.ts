import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { FollowerStateValue } from '../graphql/enums.js';

@ObjectType({ description: 'The event a read model (or the reactions) could not apply, and why.' })
export class ProjectionFailureModel {
  @Field({ description: 'Log position of the event; nothing after it is applied.' })
  position!: string;
  @Field(() => ID) eventId!: string;
  @Field({ description: 'The type of the event as stored.' }) eventType!: string;
  @Field() streamId!: string;
  @Field({ description: 'What went wrong applying it.' }) message!: string;
  @Field(() => DateTime, { description: 'When it stopped.' }) at!: Date;
}

@ObjectType('ProjectionStatus', {
  description: 'How far a read model (or the reactions) has followed the log.',
})
export class ProjectionStatusModel {
  @Field() name!: string;
  @Field(() => FollowerStateValue, { description: 'Whether it is following the log.' })
  state!: string;
  @Field({ description: 'Position of the last event applied ("start" when none).' })
  checkpoint!: string;
  @Field({ description: 'Position of the newest event in the log.' }) head!: string;
  @Field(() => Int, { description: 'Events in the log not yet applied (counted up to 10,000).' })
  lagEvents!: number;
  @Field({ description: 'Age in seconds of the oldest event not yet applied; 0 when up to date.' })
  lagSeconds!: number;
  @Field(() => Int, {
    description:
      'Records of the log read since this server started by the follower that feeds it (those it does not handle, and bookkeeping, included).',
  })
  eventsApplied!: number;
  @Field(() => ProjectionFailureModel, {
    nullable: true,
    description: 'When FAILED: the event it stopped on. See docs/operations.md.',
  })
  failure?: ProjectionFailureModel | null;
  @Field(() => String, {
    nullable: true,
    description:
      'When RETRYING: the last error reaching the event store, or storing what was applied (a full disk).',
  })
  lastError?: string | null;
}
