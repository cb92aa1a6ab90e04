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
import { GraphQLError } from 'graphql';
import { requireUser, type GqlContext } from '../graphql/context.js';
import { maySeePeopleOf } from '../graphql/readers.js';
import { ActorKindValue } from '../graphql/enums.js';
import { load } from '../graphql/loaders.js';
import { toActor, toAssignment, toCommitment } from '../graphql/mappers.js';
import {
  Actor,
  Assignment,
  AuditEntryConnection,
  Commitment,
  Representative,
} from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { ActorPayload, changed } from '../graphql/payloads.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import { AppointRepresentative, RegisterActor, RevokeRepresentative } from './actor.handlers.js';
import type { ActorKind } from './actor.js';

@InputType()
class RegisterActorInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Choose the id (e.g. "ihk-aachen"), or leave it to the server.',
  })
  actorId?: string;
  @Field() name!: string;
  @Field({ nullable: true }) shortName?: string;
  @Field(() => ActorKindValue) kind!: ActorKind;
}
@InputType()
class AppointRepresentativeInput extends MutationInput {
  @Field(() => ID) actorId!: string;
  @Field(() => ID, { description: 'The user id the person signs in with (the token subject).' })
  userId!: string;
  @Field({ description: 'The person’s name.' }) name!: string;
}
@InputType()
class RevokeRepresentativeInput extends MutationInput {
  @Field(() => ID) actorId!: string;
  @Field(() => ID) userId!: string;
  @Field() reason!: string;
}

@Resolver(() => Actor)
export class ActorsResolver {
  constructor(private readonly mutations: MutationRunner) {}

  @Query(() => Actor, { description: 'An organisation taking part.' })
  actor(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string): Promise<Actor> {
    return load.actor(ctx.view, id);
  }

  @Query(() => [Actor], { description: 'All actors, by name.' })
  actors(@Context() ctx: GqlContext): Actor[] {
    return ctx.view.allActors().map((r) => toActor(r, ctx.view));
  }

  @ResolveField(() => [Representative], {
    description:
      'The people who may act for it: for administrators and its own representatives (FORBIDDEN for others).',
  })
  async representatives(
    @Context() ctx: GqlContext,
    @Parent() actor: Actor,
  ): Promise<Representative[]> {
    requireUser(ctx, 'see representatives');
    if (!(await maySeePeopleOf(ctx, actor.id)))
      throw new GraphQLError(
        `Only administrators and representatives of ${actor.name} see who represents it`,
        { extensions: { code: 'FORBIDDEN', reason: 'OWN_ORGANISATION_ONLY' } },
      );
    return (await actor.view.representativesOfActor.load(actor.id)).map((r) => ({
      userId: r.user_id,
      name: r.name,
      appointedAt: new Date(r.appointed_at),
    }));
  }

  @ResolveField(() => [Assignment], {
    description: 'The measures it is assigned to, with its role.',
  })
  async assignments(@Parent() actor: Actor): Promise<Assignment[]> {
    return (await actor.view.assignmentsOfActor.load(actor.id)).map((r) =>
      toAssignment(r, actor.view),
    );
  }

  @ResolveField(() => [Commitment], {
    description: 'Its commitments, withdrawn and fulfilled ones included.',
  })
  async commitments(@Parent() actor: Actor): Promise<Commitment[]> {
    return (await actor.view.commitmentsOfActor.load(actor.id)).map((r) =>
      toCommitment(r, actor.view),
    );
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Everything done by or to this actor. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() actor: Actor,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
    return auditConnection(ctx, actor.view, { entityType: 'actor', entityId: actor.id }, page);
  }

  @Mutation(() => ActorPayload, {
    description: 'Register an organisation as an actor. Administrators only.',
  })
  async registerActor(
    @Context() ctx: GqlContext,
    @Args('input') input: RegisterActorInput,
  ): Promise<ActorPayload> {
    const meta = this.mutations.metadata(ctx, input, 'register actors');
    const actorId = this.mutations.newId(meta, 'RegisterActor', input.actorId);
    const data = {
      actorId,
      name: input.name,
      kind: input.kind,
      ...(input.shortName ? { shortName: input.shortName } : {}),
    };
    return this.answer(ctx, await this.mutations.run(ctx, new RegisterActor(data, meta)));
  }

  @Mutation(() => ActorPayload, {
    description: 'Let a user act for an actor. Administrators only; the appointment is audited.',
  })
  async appointRepresentative(
    @Context() ctx: GqlContext,
    @Args('input') input: AppointRepresentativeInput,
  ): Promise<ActorPayload> {
    const meta = this.mutations.metadata(ctx, input, 'appoint representatives');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new AppointRepresentative(
          { actorId: input.actorId, userId: input.userId, name: input.name },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => ActorPayload, {
    description: 'End a user’s right to act for an actor, with a reason. Administrators only.',
  })
  async revokeRepresentative(
    @Context() ctx: GqlContext,
    @Args('input') input: RevokeRepresentativeInput,
  ): Promise<ActorPayload> {
    const meta = this.mutations.metadata(ctx, input, 'revoke representatives');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new RevokeRepresentative(
          { actorId: input.actorId, userId: input.userId, reason: input.reason },
          meta,
        ),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<ActorPayload> {
    return { ...changed(outcome), actor: await load.actor(ctx.view, outcome.entityId) };
  }
}
