import { MOMENT_DESCRIPTION, MomentArgs } from '../graphql/moment.js';
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
import { Commitment, toCommitment } from '../commitments/commitments.graphql.js';
import { commitmentsOfMasterplan } from '../commitments/commitments.projection.js';
import { JointDeclaration, toJointDeclaration } from '../declarations/declarations.graphql.js';
import { declarationsOfMasterplan } from '../declarations/declarations.projection.js';
import { Dialogue, toDialogue } from '../dialogues/dialogues.graphql.js';
import { dialoguesOfMasterplan } from '../dialogues/dialogues.projection.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { newEntityId } from '../shared/command-metadata.js';
import type { DomainCommand } from '../shared/domain-command.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import {
  Measure,
  MeasureFilter,
  measuresMatching,
  toMeasure,
} from '../measures/measures.graphql.js';
import { measuresOfMasterplan, measuresOfThemeField } from '../measures/measures.projection.js';
import { Proposal, toProposal } from '../proposals/proposals.graphql.js';
import { proposalsOfMasterplan } from '../proposals/proposals.projection.js';
import { toWorkingGroup, WorkingGroup } from '../working-groups/working-groups.graphql.js';
import { workingGroupsOfMasterplan } from '../working-groups/working-groups.projection.js';
import { TimeTravel } from '../read-store/time-travel.js';
import {
  AdoptMasterplan,
  DefineThemeField,
  InitiateMasterplan,
  PresentMasterplan,
  ReachMilestone,
  ScheduleMilestone,
} from './masterplan.handlers.js';
import {
  loadMasterplan,
  Masterplan,
  masterplanPayload,
  MasterplanPayload,
  Milestone,
  ThemeField,
  toMasterplan,
  toMilestone,
  toThemeField,
} from './masterplans.graphql.js';
import {
  allMasterplans,
  milestonesOfMasterplan,
  themeFieldsOfMasterplan,
} from './masterplans.projection.js';

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
  /** Runs a mutation of a masterplan and answers with the masterplan as it then stands. */
  private readonly mutate: Mutate<MasterplanPayload, DomainCommand<{ masterplanId: string }>>;

  constructor(
    mutations: MutationRunner,
    private readonly timeTravel: TimeTravel,
  ) {
    this.mutate = mutations.answeringWith(masterplanPayload);
  }

  @Query(() => Masterplan, {
    description: `A masterplan now, or as it stood ${MOMENT_DESCRIPTION}`,
  })
  async masterplan(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args() moment: MomentArgs,
  ): Promise<Masterplan> {
    // Nothing is deleted, so a masterplan unknown now never existed: said as such.
    const now = await loadMasterplan(ctx.view, id);
    const view = await this.timeTravel.viewFor(ctx.view, moment);
    return view === ctx.view ? now : loadMasterplan(view, id);
  }

  @Query(() => [Masterplan], { description: 'All masterplans.' })
  masterplans(@Context() ctx: GqlContext): Masterplan[] {
    return allMasterplans(ctx.view).map((r) => toMasterplan(r, ctx.view));
  }

  @ResolveField(() => [ThemeField])
  async themeFields(@Parent() plan: Masterplan): Promise<ThemeField[]> {
    return (await plan.view.loader(themeFieldsOfMasterplan).load(plan.id)).map((r) =>
      toThemeField(r, plan.view),
    );
  }

  @ResolveField(() => [Milestone], { description: 'The roadmap.' })
  async milestones(@Parent() plan: Masterplan): Promise<Milestone[]> {
    return (await plan.view.loader(milestonesOfMasterplan).load(plan.id)).map(toMilestone);
  }

  @ResolveField(() => [Measure], {
    description: 'All measures, across theme fields, or those matching the filter.',
  })
  async measures(
    @Parent() plan: Masterplan,
    @Args('filter', { type: () => MeasureFilter, nullable: true }) filter?: MeasureFilter,
  ): Promise<Measure[]> {
    const rows = await plan.view.loader(measuresOfMasterplan).load(plan.id);
    return (await measuresMatching(plan.view, rows, filter)).map((r) => toMeasure(r, plan.view));
  }

  @ResolveField(() => [Proposal])
  async proposals(@Parent() plan: Masterplan): Promise<Proposal[]> {
    return (await plan.view.loader(proposalsOfMasterplan).load(plan.id)).map((r) =>
      toProposal(r, plan.view),
    );
  }

  @ResolveField(() => [Commitment], {
    description:
      'Commitments to the masterplan as a whole (commitments to measures are on each measure).',
  })
  async commitments(@Parent() plan: Masterplan): Promise<Commitment[]> {
    return (await plan.view.loader(commitmentsOfMasterplan).load(plan.id))
      .filter((c) => c.measure_id === null)
      .map((r) => toCommitment(r, plan.view));
  }

  @ResolveField(() => [JointDeclaration])
  async jointDeclarations(@Parent() plan: Masterplan): Promise<JointDeclaration[]> {
    return (await plan.view.loader(declarationsOfMasterplan).load(plan.id)).map((r) =>
      toJointDeclaration(r, plan.view),
    );
  }

  @ResolveField(() => [Dialogue])
  async dialogues(@Parent() plan: Masterplan): Promise<Dialogue[]> {
    return (await plan.view.loader(dialoguesOfMasterplan).load(plan.id)).map((r) =>
      toDialogue(r, plan.view),
    );
  }

  @ResolveField(() => [WorkingGroup])
  async workingGroups(@Parent() plan: Masterplan): Promise<WorkingGroup[]> {
    return (await plan.view.loader(workingGroupsOfMasterplan).load(plan.id)).map((r) =>
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
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(ctx, plan.view, { masterplanId: plan.id }, page);
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Start a masterplan, citing the motion and the resolution it rests on. Administrators only.',
  })
  initiateMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: InitiateMasterplanInput,
  ): Promise<MasterplanPayload> {
    return this.mutate(ctx, input, 'initiate a masterplan', (meta) => {
      const masterplanId = input.masterplanId ?? newEntityId(meta, 'InitiateMasterplan');
      const { title, region, motion, resolution } = input;
      return new InitiateMasterplan(
        { masterplanId, title, region, motion: { ...motion }, resolution: { ...resolution } },
        meta,
      );
    });
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Add a theme field (Themenfeld). Administrators only.',
  })
  defineThemeField(
    @Context() ctx: GqlContext,
    @Args('input') input: DefineThemeFieldInput,
  ): Promise<MasterplanPayload> {
    return this.mutate(ctx, input, 'define theme fields', (meta) => {
      const themeFieldId = input.themeFieldId ?? newEntityId(meta, 'DefineThemeField');
      const { masterplanId, name, description } = input;
      return new DefineThemeField({ masterplanId, themeFieldId, name, description }, meta);
    });
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Add a dated milestone to the roadmap. Administrators only.',
  })
  scheduleMilestone(
    @Context() ctx: GqlContext,
    @Args('input') input: ScheduleMilestoneInput,
  ): Promise<MasterplanPayload> {
    return this.mutate(ctx, input, 'schedule milestones', (meta) => {
      const milestoneId = input.milestoneId ?? newEntityId(meta, 'ScheduleMilestone');
      const { masterplanId, title, dueDate } = input;
      return new ScheduleMilestone({ masterplanId, milestoneId, title, dueDate }, meta);
    });
  }

  @Mutation(() => MasterplanPayload, {
    description: 'Mark a milestone as reached. Administrators only.',
  })
  reachMilestone(
    @Context() ctx: GqlContext,
    @Args('input') input: ReachMilestoneInput,
  ): Promise<MasterplanPayload> {
    const { masterplanId, milestoneId } = input;
    return this.mutate(ctx, input, 'mark milestones as reached', (meta) => {
      return new ReachMilestone({ masterplanId, milestoneId }, meta);
    });
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Record that the masterplan was presented to politics and the public. Administrators only.',
  })
  presentMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: PresentMasterplanInput,
  ): Promise<MasterplanPayload> {
    const { masterplanId, dialogueId } = input;
    const data = { masterplanId, ...filledIn({ dialogueId }) };
    return this.mutate(ctx, input, 'present the masterplan', (meta) => {
      return new PresentMasterplan(data, meta);
    });
  }

  @Mutation(() => MasterplanPayload, {
    description:
      'Record the adoption of a presented masterplan by a resolution. Administrators only.',
  })
  adoptMasterplan(
    @Context() ctx: GqlContext,
    @Args('input') input: AdoptMasterplanInput,
  ): Promise<MasterplanPayload> {
    const { masterplanId, resolution } = input;
    return this.mutate(ctx, input, 'record the adoption', (meta) => {
      return new AdoptMasterplan({ masterplanId, resolution: { ...resolution } }, meta);
    });
  }
}

@Resolver(() => ThemeField)
export class ThemeFieldsResolver {
  @ResolveField(() => [Measure], { description: 'Its measures, or those matching the filter.' })
  async measures(
    @Parent() field: ThemeField,
    @Args('filter', { type: () => MeasureFilter, nullable: true }) filter?: MeasureFilter,
  ): Promise<Measure[]> {
    const rows = await measuresOfThemeField(field.view, field.masterplanId, field.id);
    return (await measuresMatching(field.view, rows, filter)).map((r) => toMeasure(r, field.view));
  }

  @ResolveField(() => [Proposal])
  async proposals(@Parent() field: ThemeField): Promise<Proposal[]> {
    return (await field.view.loader(proposalsOfMasterplan).load(field.masterplanId))
      .filter((p) => p.theme_field_id === field.id)
      .map((r) => toProposal(r, field.view));
  }
}
