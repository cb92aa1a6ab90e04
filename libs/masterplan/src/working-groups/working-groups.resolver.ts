import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Mutation,
  Parent,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { GqlContext } from '../graphql/context.js';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import { load } from '../graphql/loaders.js';
import { AuditEntryConnection, Actor, ThemeField, WorkingGroup } from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, WorkingGroupPayload } from '../graphql/payloads.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import { FormWorkingGroup, JoinWorkingGroup, LeaveWorkingGroup } from './working-group.handlers.js';

@InputType()
class FormWorkingGroupInput extends MutationInput {
  @Field(() => ID, { nullable: true }) workingGroupId?: string;
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID) themeFieldId!: string;
  @Field() name!: string;
  @Field(() => ID, {
    description: 'The actor facilitating the group; it is a member from the start.',
  })
  facilitatorActorId!: string;
}
@InputType()
class WorkingGroupMembershipInput extends MutationInput {
  @Field(() => ID) workingGroupId!: string;
  @Field(() => ID, {
    description: 'The actor joining or leaving; its representative or an administrator acts.',
  })
  actorId!: string;
}

@Resolver(() => WorkingGroup)
export class WorkingGroupsResolver {
  constructor(private readonly mutations: MutationRunner) {}

  @ResolveField(() => Actor)
  facilitator(@Parent() group: WorkingGroup): Promise<Actor> {
    return load.actor(group.view, group.facilitatorActorId);
  }

  @ResolveField(() => [Actor])
  async members(@Parent() group: WorkingGroup): Promise<Actor[]> {
    const members = await group.view.membersOfWorkingGroup.load(group.id);
    return Promise.all(members.map((m) => load.actor(group.view, m.actor_id)));
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Formed, joined, left: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() group: WorkingGroup,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
    return auditConnection(
      ctx,
      group.view,
      { entityType: 'working_group', entityId: group.id },
      page,
    );
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() group: WorkingGroup): Promise<ThemeField> {
    return load.themeField(group.view, group.masterplanId, group.themeFieldId);
  }

  @Mutation(() => WorkingGroupPayload, {
    description: 'Form a small working group for a theme field. Administrators only.',
  })
  async formWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: FormWorkingGroupInput,
  ): Promise<WorkingGroupPayload> {
    const meta = this.mutations.metadata(ctx, input, 'form working groups');
    const workingGroupId = this.mutations.newId(meta, 'FormWorkingGroup', input.workingGroupId);
    const { masterplanId, themeFieldId, name, facilitatorActorId } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new FormWorkingGroup(
          { workingGroupId, masterplanId, themeFieldId, name, facilitatorActorId },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => WorkingGroupPayload, { description: 'An actor joins a working group.' })
  async joinWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: WorkingGroupMembershipInput,
  ): Promise<WorkingGroupPayload> {
    const meta = this.mutations.metadata(ctx, input, 'join working groups');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new JoinWorkingGroup(
          { workingGroupId: input.workingGroupId, actorId: input.actorId },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => WorkingGroupPayload, { description: 'An actor leaves a working group.' })
  async leaveWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: WorkingGroupMembershipInput,
  ): Promise<WorkingGroupPayload> {
    const meta = this.mutations.metadata(ctx, input, 'leave working groups');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new LeaveWorkingGroup(
          { workingGroupId: input.workingGroupId, actorId: input.actorId },
          meta,
        ),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<WorkingGroupPayload> {
    return {
      ...changed(outcome),
      workingGroup: await load.workingGroup(ctx.view, outcome.entityId),
    };
  }
}
