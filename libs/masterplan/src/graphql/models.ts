import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from './date-time.scalar.js';
import type { ReadView } from '../read-store/read-view.js';
import {
  ActorKindValue,
  AssignmentRoleValue,
  CommitmentStatusValue,
  EventTypeValue,
  FollowerStateValue,
  MasterplanStatusValue,
  MeasureKindValue,
  MeasureStatusValue,
  ProposalStatusValue,
} from './enums.js';
import { JSONScalar } from './json.scalar.js';

/**
 * The GraphQL object types. They carry their scalar fields; fields that lead to other
 * objects are resolved in the feature resolvers, through `view`: the read models the
 * object was read from (live, or a past moment for `asOf` queries), never mixed. An entity
 * with its own stream names it (`streamId`); its `version` is looked up in the view only
 * when a query asks for it, batched with the others.
 */
abstract class FromView {
  view!: ReadView;
}

@ObjectType({ description: 'The political act a masterplan rests on.' })
export class Motion {
  @Field({ description: 'Reference of the motion, e.g. "Ratsantrag SPD 2012-11-20".' })
  reference!: string;
  @Field() title!: string;
  @Field({ description: 'Who filed it (a council group).' }) filedBy!: string;
  @Field({ description: 'ISO date the motion was filed.' }) filedOn!: string;
}

@ObjectType({ description: 'A resolution of a council body.' })
export class Resolution {
  @Field() reference!: string;
  @Field({ description: 'The body that decided, e.g. a council committee.' }) body!: string;
  @Field({ description: 'ISO date of the decision.' }) decidedOn!: string;
}

@ObjectType({
  description:
    'An industry masterplan built together by many actors: theme fields, measures, commitments.',
})
export class Masterplan extends FromView {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() region!: string;
  @Field(() => MasterplanStatusValue) status!: string;
  @Field(() => Motion, { description: 'The motion the masterplan answers.' }) motion!: Motion;
  @Field(() => Resolution, {
    description: 'The resolution that instructed the administration to prepare it.',
  })
  resolution!: Resolution;
  @Field(() => Resolution, {
    nullable: true,
    description: 'The resolution adopting it, once adopted.',
  })
  adoption?: Resolution | null;
  @Field(() => DateTime, { description: 'When it was initiated.' }) initiatedAt!: Date;
  @Field(() => String, {
    nullable: true,
    description: 'ISO date it was presented to politics and the public.',
  })
  presentedOn?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date it was adopted.' }) adoptedOn?:
    string | null;
  streamId!: string;
  @Field(() => Int, {
    description:
      'Version of the masterplan stream; pass it as expectedVersion to change it only if nobody else did.',
  })
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
  @Field(() => String, {
    nullable: true,
    description:
      'For a view of the past (asOf or asOfPosition): the log position it shows; asking for it again gives the same answer.',
  })
  asOfPosition?: string | null;
}

@ObjectType({ description: 'One of the thematic areas a masterplan is organised in (Themenfeld).' })
export class ThemeField extends FromView {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  @Field() name!: string;
  @Field() description!: string;
}

@ObjectType({ description: 'A dated step of the roadmap towards the masterplan.' })
export class Milestone {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field({ description: 'ISO date it is due.' }) dueDate!: string;
  @Field(() => String, { nullable: true, description: 'ISO date it was reached, if it was.' })
  reachedOn?: string | null;
}

@ObjectType({
  description:
    'An organisation taking part: a chamber, union, agency, ministry, company, university, network or administration.',
})
export class Actor extends FromView {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
  @Field(() => ActorKindValue) kind!: string;
  @Field(() => DateTime) registeredAt!: Date;
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

@ObjectType({ description: 'A person who may act for an actor; appointed by an administrator.' })
export class Representative {
  @Field(() => ID, { description: 'The user id in tokens.' }) userId!: string;
  @Field() name!: string;
  @Field(() => DateTime) appointedAt!: Date;
}

@ObjectType({
  description:
    'A concrete measure of the masterplan, with the actors carrying it and their commitments.',
})
export class Measure extends FromView {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  themeFieldId!: string;
  sourceProposalId!: string | null;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => MeasureKindValue) kind!: string;
  @Field(() => MeasureStatusValue) status!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Why it was cancelled, or the note on completion.',
  })
  closingNote?: string | null;
  @Field(() => DateTime) definedAt!: Date;
  streamId!: string;
  @Field(() => Int, {
    description:
      'Version of the measure stream (its commitments included); pass it as expectedVersion.',
  })
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
  @Field(() => String, {
    nullable: true,
    description:
      'For a view of the past (asOf or asOfPosition): the log position it shows; asking for it again gives the same answer.',
  })
  asOfPosition?: string | null;
}

@ObjectType({ description: 'An actor assigned to a measure, with its role.' })
export class Assignment extends FromView {
  actorId!: string;
  measureId!: string;
  @Field(() => AssignmentRoleValue) role!: string;
  @Field(() => DateTime) assignedAt!: Date;
}

@ObjectType({
  description: 'A public commitment of an actor to a measure, or to the masterplan as a whole.',
})
export class Commitment extends FromView {
  @Field(() => ID) id!: string;
  actorId!: string;
  masterplanId!: string;
  measureId!: string | null;
  @Field() statement!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Resources the actor commits (people, money, space).',
  })
  resources?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date by which it is to be fulfilled.' })
  dueDate?: string | null;
  @Field(() => CommitmentStatusValue) status!: string;
  @Field(() => DateTime) declaredAt!: Date;
  /** Resolved for those who may see it (CommitmentsResolver.declaredBy). */
  declaredBy!: string;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When it was fulfilled or withdrawn.',
  })
  endedAt?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'The reason of a withdrawal, or the note on fulfilment.',
  })
  endNote?: string | null;
}

@ObjectType({
  description:
    'A proposal for the masterplan (Handlungsvorschlag), by an actor, possibly for a working group.',
})
export class Proposal extends FromView {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  themeFieldId!: string;
  actorId!: string;
  workingGroupId!: string | null;
  measureId!: string | null;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => ProposalStatusValue) status!: string;
  @Field(() => String, { nullable: true, description: 'Why it was rejected or withdrawn.' })
  reason?: string | null;
  @Field(() => DateTime) submittedAt!: Date;
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

@ObjectType({
  description: 'A small working group (Kleingruppe) working out proposals for one theme field.',
})
export class WorkingGroup extends FromView {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  themeFieldId!: string;
  facilitatorActorId!: string;
  @Field() name!: string;
  @Field(() => DateTime) formedAt!: Date;
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

@ObjectType({ description: 'An industry dialogue: the events where the actors meet.' })
export class Dialogue extends FromView {
  @Field(() => ID) id!: string;
  participantIds!: string[];
  @Field() title!: string;
  @Field({ description: 'ISO date it is scheduled for.' }) scheduledFor!: string;
  @Field() venue!: string;
  @Field(() => String, { nullable: true, description: 'ISO date it was held.' }) heldOn?:
    string | null;
  @Field(() => String, { nullable: true }) minutes?: string | null;
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

@ObjectType({ description: 'A step of the roadmap in the joint declaration.' })
export class RoadmapStep {
  @Field() title!: string;
  @Field() dueDate!: string;
}

@ObjectType({
  description: 'The joint declaration (gemeinsame Erklärung): text and roadmap, signed by actors.',
})
export class JointDeclaration extends FromView {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => [RoadmapStep]) roadmap!: RoadmapStep[];
  @Field(() => String, { nullable: true, description: 'ISO date it was published.' }) publishedOn?:
    string | null;
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

@ObjectType({ description: 'An actor’s signature on the joint declaration.' })
export class Signature extends FromView {
  actorId!: string;
  @Field({ description: 'ISO date of signing.' }) signedOn!: string;
  /** Resolved for those who may see it (SignaturesResolver.signedBy). */
  signedBy!: string;
}

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
