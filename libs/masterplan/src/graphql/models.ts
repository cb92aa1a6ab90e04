import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from './date-time.scalar.js';
import { EventTypeValue, FollowerStateValue } from './enums.js';
import { FromView } from './from-view.js';
import { JSONScalar } from './json.scalar.js';

/**
 * The GraphQL object types the features share (paging) and those of the audit trail and
 * the projections' status; each feature's own types live in its folder (`*.graphql.ts`).
 */

// The audit resolver still takes Actor from here.
export { Actor } from '../actors/actors.graphql.js';

@ObjectType({
  description:
    'One entry of the audit trail: one stored event, who caused it, for whom, and what it changed.',
})
export class AuditEntry extends FromView {
  @Field({ description: 'Position in the log; entries are ordered by it.' }) position!: string;
  @Field(() => ID) eventId!: string;
  @Field(() => EventTypeValue, { description: 'The event type, e.g. CommitmentDeclared.' })
  eventType!: string;
  @Field(() => DateTime, { description: 'When it happened in the process.' })
  occurredAt!: Date;
  @Field(() => DateTime, { description: 'When the store recorded it.' })
  recordedAt!: Date;
  @Field({
    description:
      'The kind of entity it is chiefly about: masterplan, actor, measure, commitment, proposal, dialogue, working_group, joint_declaration.',
  })
  entityType!: string;
  @Field(() => ID) entityId!: string;
  @Field(() => String, { nullable: true }) masterplanId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The user who acted ("system" for reactions).',
  })
  userId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The actor (organisation) the user acted for, if any.',
  })
  organisationId?: string | null;
  @Field(() => [String], { description: 'The user’s roles when acting.' }) roles!: string[];
  @Field(() => String, {
    nullable: true,
    description: 'Shared by all events caused by one request.',
  })
  correlationId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The command, or the event a reaction answered, that caused this one.',
  })
  causationId?: string | null;
  @Field(() => JSONScalar, { description: 'The event data.' }) data!: unknown;
  @Field({ description: 'One line for a person: who did what, for whom, to which thing.' })
  summary!: string;
  @Field() streamId!: string;
  @Field(() => Int, { description: 'The version of the stream after this event.' })
  version!: number;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor?: string | null;
}

@ObjectType()
export class AuditEntryEdge {
  @Field() cursor!: string;
  @Field(() => AuditEntry) node!: AuditEntry;
}

@ObjectType({ description: 'A page of audit entries (Relay cursor connection).' })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge]) edges!: AuditEntryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

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
  @Field(() => Int, { description: 'Events applied since this server started.' })
  eventsApplied!: number;
  @Field(() => ProjectionFailureModel, {
    nullable: true,
    description: 'When FAILED: the event it stopped on. See docs/operations.md.',
  })
  failure?: ProjectionFailureModel | null;
  @Field(() => String, {
    nullable: true,
    description: 'When RETRYING: the last error reaching the event store.',
  })
  lastError?: string | null;
}
