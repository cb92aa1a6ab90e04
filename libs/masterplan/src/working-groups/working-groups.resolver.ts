import type { Connection } from '../graphql/paging.js';
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
import { Actor, loadActor } from '../actors/actors.graphql.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { newEntityId } from '../shared/command-metadata.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import { loadThemeField, ThemeField } from '../masterplans/masterplans.graphql.js';
import { FormWorkingGroup, JoinWorkingGroup, LeaveWorkingGroup } from './working-group.handlers.js';
import {
  WorkingGroup,
  workingGroupPayload,
  WorkingGroupPayload,
} from './working-groups.graphql.js';
import { membersOfWorkingGroup } from './working-groups.projection.js';

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
  /** Runs a mutation of a working group and answers with the group as it then stands. */
  private readonly mutate: Mutate<WorkingGroupPayload>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(workingGroupPayload);
  }

  @ResolveField(() => Actor)
  facilitator(@Parent() group: WorkingGroup): Promise<Actor> {
    return loadActor(group.view, group.facilitatorActorId);
  }

  @ResolveField(() => [Actor])
  async members(@Parent() group: WorkingGroup): Promise<Actor[]> {
    const members = await group.view.loader(membersOfWorkingGroup).load(group.id);
    return Promise.all(members.map((m) => loadActor(group.view, m.actor_id)));
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Formed, joined, left: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() group: WorkingGroup,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(
      ctx,
      group.view,
      { entityType: 'working_group', entityId: group.id },
      page,
    );
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() group: WorkingGroup): Promise<ThemeField> {
    return loadThemeField(group.view, group.masterplanId, group.themeFieldId);
  }

  @Mutation(() => WorkingGroupPayload, {
    description: 'Form a small working group for a theme field. Administrators only.',
  })
  formWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: FormWorkingGroupInput,
  ): Promise<WorkingGroupPayload> {
    return this.mutate(ctx, input, 'form working groups', (meta) => {
      const workingGroupId = input.workingGroupId ?? newEntityId(meta, 'FormWorkingGroup');
      const { masterplanId, themeFieldId, name, facilitatorActorId } = input;
      return new FormWorkingGroup(
        { workingGroupId, masterplanId, themeFieldId, name, facilitatorActorId },
        meta,
      );
    });
  }

  @Mutation(() => WorkingGroupPayload, { description: 'An actor joins a working group.' })
  joinWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: WorkingGroupMembershipInput,
  ): Promise<WorkingGroupPayload> {
    const { workingGroupId, actorId } = input;
    return this.mutate(ctx, input, 'join working groups', (meta) => {
      return new JoinWorkingGroup({ workingGroupId, actorId }, meta);
    });
  }

  @Mutation(() => WorkingGroupPayload, { description: 'An actor leaves a working group.' })
  leaveWorkingGroup(
    @Context() ctx: GqlContext,
    @Args('input') input: WorkingGroupMembershipInput,
  ): Promise<WorkingGroupPayload> {
    const { workingGroupId, actorId } = input;
    return this.mutate(ctx, input, 'leave working groups', (meta) => {
      return new LeaveWorkingGroup({ workingGroupId, actorId }, meta);
    });
  }
}
