import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { EventTypeValue } from '../graphql/enums.js';
import { FromView } from '../graphql/from-view.js';
import { JSONScalar } from '../graphql/json.scalar.js';
import { PageInfo, TOTAL_COUNT_DESCRIPTION } from '../graphql/paging.js';
import type { ReadView } from '../read-store/read-view.js';
import type { AuditRow } from './audit.projection.js';

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
export class AuditEntryEdge {
  @Field() cursor!: string;
  @Field(() => AuditEntry) node!: AuditEntry;
}

@ObjectType({ description: 'A page of audit entries (Relay cursor connection).' })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge]) edges!: AuditEntryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: TOTAL_COUNT_DESCRIPTION }) totalCount!: number;
}

/** An audit row as a GraphQL object, remembering the view it came from. */
export const toAuditEntry = (r: AuditRow, view: ReadView): AuditEntry =>
  Object.assign(new AuditEntry(), {
    view: view.spend(r),
    position: r.position,
    eventId: r.event_id,
    eventType: r.event_type,
    occurredAt: new Date(r.occurred_at),
    recordedAt: new Date(r.recorded_at),
    entityType: r.entity_type,
    entityId: r.entity_id,
    masterplanId: r.masterplan_id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    roles: JSON.parse(r.roles) as string[],
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    data: JSON.parse(r.data),
    summary: r.summary,
    streamId: r.stream_id,
    version: r.revision,
  });
