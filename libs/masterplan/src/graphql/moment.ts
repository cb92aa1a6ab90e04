import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { DateTime } from './date-time.scalar.js';

/** The past moment a query may ask for, named in one of four ways (or none: now). */
@ArgsType()
@InputType('Moment', {
  description:
    'A moment of the log, named in one of four ways: a time, a log position, or just before or after an audit entry’s event.',
})
export class MomentArgs {
  @Field(() => DateTime, {
    nullable: true,
    description: 'A past time; it is shown as the log position it resolves to.',
  })
  asOf?: Date;
  @Field({
    nullable: true,
    description: 'A log position as this server gives them: an audit entry’s, a payload’s.',
  })
  asOfPosition?: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The eventId of an audit entry: the moment just before that event was recorded (what it changed is not yet there).',
  })
  justBeforeEvent?: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The eventId of an audit entry: the moment just after that event was recorded (the same as its position).',
  })
  justAfterEvent?: string;
}

/** A moment as an argument of its own (`masterplanDiff(from, to)`). */
export { MomentArgs as MomentInput };

export const MOMENT_DESCRIPTION =
  'at a past moment, named by one of `asOfPosition` (a log position: what the log held then), `asOf` (a time: the last log position up to which everything had occurred by then), `justBeforeEvent` or `justAfterEvent` (an audit entry’s eventId). The answer names the position it shows (`asOfPosition`), and asking for that position gives exactly the same answer, versions and histories included.';
