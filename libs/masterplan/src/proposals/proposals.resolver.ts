import type { Connection } from '../graphql/paging.js';
import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import { filledIn, type GqlContext } from '../graphql/context.js';
import { MeasureKindValue } from '../graphql/enums.js';
import { Actor, loadActor } from '../actors/actors.graphql.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import {
  loadMasterplan,
  loadThemeField,
  Masterplan,
  ThemeField,
} from '../masterplans/masterplans.graphql.js';
import { loadMeasure, Measure } from '../measures/measures.graphql.js';
import { measureById } from '../measures/measures.projection.js';
import { loadWorkingGroup, WorkingGroup } from '../working-groups/working-groups.graphql.js';
import type { MeasureKind } from '../measures/measure.js';
import { newEntityId } from '../shared/command-metadata.js';
import {
  AcceptProposal,
  RejectProposal,
  ReviseProposal,
  SubmitProposal,
  WithdrawProposal,
} from './proposal.handlers.js';
import { loadProposal, Proposal, proposalPayload, ProposalPayload } from './proposals.graphql.js';

@InputType()
class SubmitProposalInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'Choose the id, or leave it to the server.' })
  proposalId?: string;
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID) themeFieldId!: string;
  @Field(() => ID, { description: 'The actor submitting; you must be one of its representatives.' })
  actorId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'Submit for a working group the actor is a member of.',
  })
  workingGroupId?: string;
  @Field() title!: string;
  @Field() description!: string;
}
@InputType()
class ReviseProposalInput extends MutationInput {
  @Field(() => ID) proposalId!: string;
  @Field({ nullable: true }) title?: string;
  @Field({ nullable: true }) description?: string;
}
@InputType()
class WithdrawProposalInput extends MutationInput {
  @Field(() => ID) proposalId!: string;
  @Field() reason!: string;
}
@InputType()
class AcceptProposalInput extends MutationInput {
  @Field(() => ID) proposalId!: string;
  @Field(() => MeasureKindValue, { description: 'How the measure it becomes is classified.' })
  measureKind!: MeasureKind;
  @Field(() => ID, {
    nullable: true,
    description: 'The id of the measure it becomes; chosen by the server if left out.',
  })
  measureId?: string;
}
@InputType()
class RejectProposalInput extends MutationInput {
  @Field(() => ID) proposalId!: string;
  @Field() reason!: string;
}

@Resolver(() => Proposal)
export class ProposalsResolver {
  /** Runs a mutation of a proposal and answers with the proposal as it then stands. */
  private readonly mutate: Mutate<ProposalPayload>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(proposalPayload);
  }

  @Query(() => Proposal)
  proposal(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Proposal> {
    return loadProposal(ctx.view, id);
  }

  @ResolveField(() => Actor, { description: 'The actor that submitted it.' })
  submittedBy(@Parent() proposal: Proposal): Promise<Actor> {
    return loadActor(proposal.view, proposal.actorId);
  }

  @ResolveField(() => WorkingGroup, { nullable: true })
  workingGroup(@Parent() proposal: Proposal): Promise<WorkingGroup> | null {
    return proposal.workingGroupId
      ? loadWorkingGroup(proposal.view, proposal.workingGroupId)
      : null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() proposal: Proposal): Promise<Masterplan> {
    return loadMasterplan(proposal.view, proposal.masterplanId);
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() proposal: Proposal): Promise<ThemeField> {
    return loadThemeField(proposal.view, proposal.masterplanId, proposal.themeFieldId);
  }

  @ResolveField(() => Measure, {
    nullable: true,
    description: 'The measure it became, once accepted and defined.',
  })
  async measure(@Parent() proposal: Proposal): Promise<Measure | null> {
    if (!proposal.measureId || !(await proposal.view.loader(measureById).load(proposal.measureId)))
      return null;
    return loadMeasure(proposal.view, proposal.measureId);
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Submitted, revised, decided: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() proposal: Proposal,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(
      ctx,
      proposal.view,
      { entityType: 'proposal', entityId: proposal.id },
      page,
    );
  }

  @Mutation(() => ProposalPayload, {
    description:
      'Submit a proposal for a theme field, for your organisation (and optionally its working group).',
  })
  submitProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: SubmitProposalInput,
  ): Promise<ProposalPayload> {
    return this.mutate(ctx, input, 'submit proposals', (meta) => {
      const proposalId = input.proposalId ?? newEntityId(meta, 'SubmitProposal');
      const { masterplanId, themeFieldId, actorId, workingGroupId, title, description } = input;
      const data = {
        proposalId,
        masterplanId,
        themeFieldId,
        actorId,
        title,
        description,
        ...filledIn({ workingGroupId }),
      };
      return new SubmitProposal(data, meta);
    });
  }

  @Mutation(() => ProposalPayload, {
    description: 'Change the title or description of a submitted proposal (its submitter only).',
  })
  reviseProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: ReviseProposalInput,
  ): Promise<ProposalPayload> {
    const { proposalId, title, description } = input;
    const data = {
      proposalId,
      ...(title != null ? { title } : {}),
      ...(description != null ? { description } : {}),
    };
    return this.mutate(ctx, input, 'revise proposals', (meta) => {
      return new ReviseProposal(data, meta);
    });
  }

  @Mutation(() => ProposalPayload, {
    description:
      'Withdraw a submitted proposal, with a reason (its submitter only). An accepted proposal cannot be withdrawn.',
  })
  withdrawProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: WithdrawProposalInput,
  ): Promise<ProposalPayload> {
    const { proposalId, reason } = input;
    return this.mutate(ctx, input, 'withdraw proposals', (meta) => {
      return new WithdrawProposal({ proposalId, reason }, meta);
    });
  }

  @Mutation(() => ProposalPayload, {
    description:
      'Accept a submitted proposal; it becomes a measure of the given kind, whose id is taken from this moment. The measure itself is defined by the system right after (a reaction), so `proposal.measure` in this payload may still be null. Administrators only.',
  })
  acceptProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: AcceptProposalInput,
  ): Promise<ProposalPayload> {
    const { proposalId, measureKind } = input;
    return this.mutate(ctx, input, 'accept proposals', (meta) => {
      const measureId = input.measureId ?? newEntityId(meta, `AcceptProposal:${proposalId}`);
      return new AcceptProposal({ proposalId, measureId, measureKind }, meta);
    });
  }

  @Mutation(() => ProposalPayload, {
    description: 'Reject a submitted proposal, with a reason. Administrators only.',
  })
  rejectProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: RejectProposalInput,
  ): Promise<ProposalPayload> {
    const { proposalId, reason } = input;
    return this.mutate(ctx, input, 'reject proposals', (meta) => {
      return new RejectProposal({ proposalId, reason }, meta);
    });
  }
}
