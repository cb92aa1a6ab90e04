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
import type { GqlContext } from '../graphql/context.js';
import { MeasureKindValue } from '../graphql/enums.js';
import { load } from '../graphql/loaders.js';
import {
  Actor,
  AuditEntryConnection,
  Masterplan,
  Measure,
  Proposal,
  ThemeField,
  WorkingGroup,
} from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, ProposalPayload } from '../graphql/payloads.js';
import type { MeasureKind } from '../measures/measure.js';
import { newEntityId } from '../shared/command-metadata.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import {
  AcceptProposal,
  RejectProposal,
  ReviseProposal,
  SubmitProposal,
  WithdrawProposal,
} from './proposal.handlers.js';

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
  constructor(private readonly mutations: MutationRunner) {}

  @Query(() => Proposal)
  proposal(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Proposal> {
    return load.proposal(ctx.view, id);
  }

  @ResolveField(() => Actor, { description: 'The actor that submitted it.' })
  submittedBy(@Parent() proposal: Proposal): Promise<Actor> {
    return load.actor(proposal.view, proposal.actorId);
  }

  @ResolveField(() => WorkingGroup, { nullable: true })
  workingGroup(@Parent() proposal: Proposal): Promise<WorkingGroup> | null {
    return proposal.workingGroupId
      ? load.workingGroup(proposal.view, proposal.workingGroupId)
      : null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() proposal: Proposal): Promise<Masterplan> {
    return load.masterplan(proposal.view, proposal.masterplanId);
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() proposal: Proposal): Promise<ThemeField> {
    return load.themeField(proposal.view, proposal.masterplanId, proposal.themeFieldId);
  }

  @ResolveField(() => Measure, {
    nullable: true,
    description: 'The measure it became, once accepted and defined.',
  })
  async measure(@Parent() proposal: Proposal): Promise<Measure | null> {
    if (!proposal.measureId || !(await proposal.view.measure.load(proposal.measureId))) return null;
    return load.measure(proposal.view, proposal.measureId);
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Submitted, revised, decided: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() proposal: Proposal,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
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
  async submitProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: SubmitProposalInput,
  ): Promise<ProposalPayload> {
    const meta = this.mutations.metadata(ctx, input, 'submit proposals');
    const proposalId = this.mutations.newId(meta, 'SubmitProposal', input.proposalId);
    const { masterplanId, themeFieldId, actorId, workingGroupId, title, description } = input;
    const data = {
      proposalId,
      masterplanId,
      themeFieldId,
      actorId,
      title,
      description,
      ...(workingGroupId ? { workingGroupId } : {}),
    };
    return this.answer(ctx, await this.mutations.run(ctx, new SubmitProposal(data, meta)));
  }

  @Mutation(() => ProposalPayload, {
    description: 'Change the title or description of a submitted proposal (its submitter only).',
  })
  async reviseProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: ReviseProposalInput,
  ): Promise<ProposalPayload> {
    const meta = this.mutations.metadata(ctx, input, 'revise proposals');
    const data = {
      proposalId: input.proposalId,
      ...(input.title != null ? { title: input.title } : {}),
      ...(input.description != null ? { description: input.description } : {}),
    };
    return this.answer(ctx, await this.mutations.run(ctx, new ReviseProposal(data, meta)));
  }

  @Mutation(() => ProposalPayload, {
    description:
      'Withdraw a submitted proposal, with a reason (its submitter only). An accepted proposal cannot be withdrawn.',
  })
  async withdrawProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: WithdrawProposalInput,
  ): Promise<ProposalPayload> {
    const meta = this.mutations.metadata(ctx, input, 'withdraw proposals');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new WithdrawProposal({ proposalId: input.proposalId, reason: input.reason }, meta),
      ),
    );
  }

  @Mutation(() => ProposalPayload, {
    description:
      'Accept a submitted proposal; it becomes a measure of the given kind, whose id is taken from this moment. The measure itself is defined by the system right after (a reaction), so `proposal.measure` in this payload may still be null. Administrators only.',
  })
  async acceptProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: AcceptProposalInput,
  ): Promise<ProposalPayload> {
    const meta = this.mutations.metadata(ctx, input, 'accept proposals');
    const measureId = input.measureId ?? newEntityId(meta, `AcceptProposal:${input.proposalId}`);
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new AcceptProposal(
          { proposalId: input.proposalId, measureId, measureKind: input.measureKind },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => ProposalPayload, {
    description: 'Reject a submitted proposal, with a reason. Administrators only.',
  })
  async rejectProposal(
    @Context() ctx: GqlContext,
    @Args('input') input: RejectProposalInput,
  ): Promise<ProposalPayload> {
    const meta = this.mutations.metadata(ctx, input, 'reject proposals');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new RejectProposal({ proposalId: input.proposalId, reason: input.reason }, meta),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<ProposalPayload> {
    return { ...changed(outcome), proposal: await load.proposal(ctx.view, outcome.entityId) };
  }
}
