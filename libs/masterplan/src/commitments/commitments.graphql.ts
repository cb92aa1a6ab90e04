import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { CommitmentStatusValue } from '../graphql/enums.js';
import { entityLoader, FromView } from '../graphql/from-view.js';
import { PageInfo, TOTAL_COUNT_DESCRIPTION } from '../graphql/paging.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import type { DomainCommand } from '../shared/domain-command.js';
import { commitmentById, type CommitmentRow } from './commitments.projection.js';

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

@ObjectType()
export class CommitmentEdge {
  @Field() cursor!: string;
  @Field(() => Commitment) node!: Commitment;
}

@ObjectType({ description: 'A page of commitments, in the order they were declared.' })
export class CommitmentConnection {
  @Field(() => [CommitmentEdge]) edges!: CommitmentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: TOTAL_COUNT_DESCRIPTION }) totalCount!: number;
}

@ObjectType()
export class CommitmentPayload extends Changed {
  @Field(() => Commitment) commitment!: Commitment;
}

export const toCommitment = (r: CommitmentRow, view: ReadView): Commitment =>
  Object.assign(new Commitment(), {
    view: view.spend(r),
    id: r.commitment_id,
    actorId: r.actor_id,
    masterplanId: r.masterplan_id,
    measureId: r.measure_id,
    statement: r.statement,
    resources: r.resources,
    dueDate: r.due_date,
    status: r.status,
    declaredAt: new Date(r.declared_at),
    declaredBy: r.declared_by,
    endedAt: r.ended_at ? new Date(r.ended_at) : null,
    endNote: r.end_note,
  });

export const loadCommitment = entityLoader(commitmentById, toCommitment, 'commitment');

/** A commitment lives in its measure's (or masterplan's) stream: the payload names it by its own id. */
export const commitmentPayload = payload(
  'commitment',
  loadCommitment,
  (_outcome, command: DomainCommand<{ commitmentId: string }>) => command.data.commitmentId,
);
