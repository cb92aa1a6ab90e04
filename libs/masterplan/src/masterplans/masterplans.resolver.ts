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
import { DateTime } from '../graphql/date-time.scalar.js';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import type { GqlContext } from '../graphql/context.js';
import { load } from '../graphql/loaders.js';
import {
  toCommitment,
  toDialogue,
  toJointDeclaration,
  toMasterplan,
  toMeasure,
  toProposal,
  toThemeField,
  toWorkingGroup,
} from '../graphql/mappers.js';
import {
  AuditEntryConnection,
  Commitment,
  Dialogue,
  JointDeclaration,
  Masterplan,
  Measure,
  Milestone,
  Proposal,
  ThemeField,
  WorkingGroup,
} from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, MasterplanPayload } from '../graphql/payloads.js';
import { TimeTravel } from '../read-store/time-travel.js';
import {
  AdoptMasterplan,
  DefineThemeField,
  InitiateMasterplan,
  PresentMasterplan,
  ReachMilestone,
  ScheduleMilestone,
} from './masterplan.handlers.js';

@InputType()
class MotionInput {
  @Field() reference!: string;
  @Field() title!: string;
  @Field() filedBy!: string;
  @Field({ description: 'ISO date, e.g. 2012-11-20.' }) filedOn!: string;
}
@InputType()
class ResolutionInput {
  @Field() reference!: string;
  @Field({ description: 'The deciding body.' }) body!: string;
  @Field({ description: 'ISO date.' }) decidedOn!: string;
}
@InputType()
class InitiateMasterplanInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'Choose the id, or leave it to the server.' })
  masterplanId?: string;
  @Field() title!: string;
  @Field() region!: string;
  @Field(() => MotionInput) motion!: MotionInput;
  @Field(() => ResolutionInput) resolution!: ResolutionInput;
}
@InputType()
class DefineThemeFieldInput extends MutationInput {
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID, { nullable: true }) themeFieldId?: string;
  @Field() name!: string;
  @Field() description!: string;
}
@InputType()
class ScheduleMilestoneInput extends MutationInput {
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID, { nullable: true }) milestoneId?: string;
  @Field() title!: string;
  @Field({ description: 'ISO date.' }) dueDate!: string;
}
@InputType()
class ReachMilestoneInput extends MutationInput {
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID) milestoneId!: string;
}
@InputType()
class PresentMasterplanInput extends MutationInput {
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID, { nullable: true, description: 'The dialogue it was presented at.' })
  dialogueId?: string;
}
@InputType()
class AdoptMasterplanInput extends MutationInput {
  @Field(() => ID) masterplanId!: string;
  @Field(() => ResolutionInput) resolution!: ResolutionInput;
}

@Resolver(() => Masterplan)
export class MasterplansResolver {
  constructor(
    private readonly mutations: MutationRunner,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Query(() => Masterplan, {
    description:
      'A masterplan now, or as it stood at a past moment: `asOfPosition` (a log position: what the log held then) or `asOf` (a time: the last log position up to which everything had occurred by then), not both. The answer names the position it shows (`asOfPosition`), and asking for that position gives exactly the same answer, versions and histories included.',
  })
  async masterplan(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', {
      type: () => DateTime,
      nullable: true,
      description: 'A past time; it is shown as the log position it resolves to.',
    })
    asOf?: Date,
    @Args('asOfPosition', {
      nullable: true,
      description: 'A log position as this server gives them: an audit entry’s, a payload’s.',
    })
    asOfPosition?: string,
  ): Promise<Masterplan> {
    // Nothing is deleted, so a masterplan unknown now never existed: said as such.
    const now = await load.masterplan(ctx.view, id);
    const view = await this.timeTravel.viewFor(ctx.view, asOf, asOfPosition);
    return view === ctx.view ? now : load.masterplan(view, id);
  }

  @Query(() => [Masterplan], { description: 'All masterplans.' })
  masterplans(@Context() ctx: GqlContext): Masterplan[] {
    return ctx.view.allMasterplans().map((r) => toMasterplan(r, ctx.view));
  }

  @ResolveField(() => [ThemeField])
  async themeFields(@Parent() plan: Masterplan): Promise<ThemeField[]> {
    return (await plan.view.themeFieldsOfMasterplan.load(plan.id)).map((r) =>
      toThemeField(r, plan.view),
    );
  }

  @ResolveField(() => [Milestone], { description: 'The roadmap.' })
  async milestones(@Parent() plan: Masterplan): Promise<Milestone[]> {
    return (await plan.view.milestonesOfMasterplan.load(plan.id)).map((r) => ({
      id: r.milestone_id,
      title: r.title,
      dueDate: r.due_date,
      reachedOn: r.reached_on,
    }));
  }

  @ResolveField(() => [Measure], { description: 'All measures, across theme fields.' })
  async measures(@Parent() plan: Masterplan): Promise<Measure[]> {
    return (await plan.view.measuresOfMasterplan.load(plan.id)).map((r) => toMeasure(r, plan.view));
  }

  @ResolveField(() => [Proposal])
  async proposals(@Parent() plan: Masterplan): Promise<Proposal[]> {
    return (await plan.view.proposalsOfMasterplan.load(plan.id)).map((r) =>
      toProposal(r, plan.view),
    );
  }

  @ResolveField(() => [Commitment], {
    description:
      'Commitments to the masterplan as a whole (commitments to measures are on each measure).',
  })
  async commitments(@Parent() plan: Masterplan): Promise<Commitment[]> {
    return (await plan.view.commitmentsOfMasterplan.load(plan.id))
      .filter((c) => c.measure_id === null)
      .map((r) => toCommitment(r, plan.view));
  }

  @ResolveField(() => [JointDeclaration])
  async jointDeclarations(@Parent() plan: Masterplan): Promise<JointDeclaration[]> {
    return (await plan.view.declarationsOfMasterplan.load(plan.id)).map((r) =>
      toJointDeclaration(r, plan.view),
    );
  }

  @ResolveField(() => [Dialogue])
  async dialogues(@Parent() plan: Masterplan): Promise<Dialogue[]> {
    return (await plan.view.dialoguesOfMasterplan.load(plan.id)).map((r) =>
      toDialogue(r, plan.view),
    );
  }

  @ResolveField(() => [WorkingGroup])
  async workingGroups(@Parent() plan: Masterplan): Promise<WorkingGroup[]> {
    return (await plan.view.workingGroupsOfMasterplan.load(plan.id)).map((r) =>
      toWorkingGroup(r, plan.view),
    );
  }

  @ResolveField(() => AuditEntryConnection, {
    description:
      'Everything that happened to this masterplan and what belongs to it. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() plan: Masterplan,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
    return auditConnection(ctx, plan.view, { masterplanId: plan.id }, page);
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Start a masterplan, citing the motion and the resolution it rests on. Administrators only.',
  })
  async initiateMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: InitiateMasterplanInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'initiate a masterplan');
    const masterplanId = this.mutations.newId(meta, 'InitiateMasterplan', input.masterplanId);
    const { title, region, motion, resolution } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new InitiateMasterplan(
          { masterplanId, title, region, motion: { ...motion }, resolution: { ...resolution } },
          meta,
        ),
      ),
      masterplanId,
    );
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Add a theme field (Themenfeld). Administrators only.',
  })
  async defineThemeField(
    @Context() ctx: GqlContext,
    @Args('input') input: DefineThemeFieldInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'define theme fields');
    const themeFieldId = this.mutations.newId(meta, 'DefineThemeField', input.themeFieldId);
    const { masterplanId, name, description } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new DefineThemeField({ masterplanId, themeFieldId, name, description }, meta),
      ),
      masterplanId,
    );
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Add a dated milestone to the roadmap. Administrators only.',
  })
  async scheduleMilestone(
    @Context() ctx: GqlContext,
    @Args('input') input: ScheduleMilestoneInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'schedule milestones');
    const milestoneId = this.mutations.newId(meta, 'ScheduleMilestone', input.milestoneId);
    const { masterplanId, title, dueDate } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new ScheduleMilestone({ masterplanId, milestoneId, title, dueDate }, meta),
      ),
      masterplanId,
    );
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Mark a milestone as reached. Administrators only.',
  })
  async reachMilestone(
    @Context() ctx: GqlContext,
    @Args('input') input: ReachMilestoneInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'mark milestones as reached');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new ReachMilestone(
          { masterplanId: input.masterplanId, milestoneId: input.milestoneId },
          meta,
        ),
      ),
      input.masterplanId,
    );
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Record that the masterplan was presented to politics and the public. Administrators only.',
  })
  async presentMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: PresentMasterplanInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'present the masterplan');
    const data = {
      masterplanId: input.masterplanId,
      ...(input.dialogueId ? { dialogueId: input.dialogueId } : {}),
    };
    return this.answer(
      ctx,
      await this.mutations.run(ctx, new PresentMasterplan(data, meta)),
      input.masterplanId,
    );
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Record the adoption of a presented masterplan by a resolution. Administrators only.',
  })
  async adoptMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: AdoptMasterplanInput,
  ): Promise<MasterplanPayload> {
    const meta = this.mutations.metadata(ctx, input, 'record the adoption');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new AdoptMasterplan(
          { masterplanId: input.masterplanId, resolution: { ...input.resolution } },
          meta,
        ),
      ),
      input.masterplanId,
    );
  }

  private async answer(
    ctx: GqlContext,
    outcome: Parameters<typeof changed>[0],
    masterplanId: string,
  ): Promise<MasterplanPayload> {
    return { ...changed(outcome), masterplan: await load.masterplan(ctx.view, masterplanId) };
  }
}

@Resolver(() => ThemeField)
export class ThemeFieldsResolver {
  @ResolveField(() => [Measure])
  async measures(@Parent() field: ThemeField): Promise<Measure[]> {
    return (await field.view.measuresOfThemeField(field.masterplanId, field.id)).map((r) =>
      toMeasure(r, field.view),
    );
  }

  @ResolveField(() => [Proposal])
  async proposals(@Parent() field: ThemeField): Promise<Proposal[]> {
    return (await field.view.proposalsOfMasterplan.load(field.masterplanId))
      .filter((p) => p.theme_field_id === field.id)
      .map((r) => toProposal(r, field.view));
  }
}
