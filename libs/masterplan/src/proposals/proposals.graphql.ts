import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { ProposalStatusValue } from '../graphql/enums.js';
import { entityLoader, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import { proposalAggregate } from './proposal.js';
import { proposalById, type ProposalRow } from './proposals.projection.js';

@ObjectType({
  description:
    'A proposal for the masterplan (Handlungsvorschlag), by an actor, possibly for a working group.',
})
export class Proposal extends StreamEntity {
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
}

@ObjectType()
export class ProposalPayload extends Changed {
  @Field(() => Proposal) proposal!: Proposal;
}

export const toProposal = (r: ProposalRow, view: ReadView): Proposal =>
  Object.assign(new Proposal(), {
    view: view.spend(r),
    id: r.proposal_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    actorId: r.actor_id,
    workingGroupId: r.working_group_id,
    measureId: r.measure_id,
    title: r.title,
    description: r.description,
    status: r.status,
    reason: r.reason,
    submittedAt: new Date(r.submitted_at),
    streamId: proposalAggregate.streamPrefix + r.proposal_id,
  });

export const loadProposal = entityLoader(proposalById, toProposal, 'proposal');
export const proposalPayload = payload('proposal', loadProposal);
