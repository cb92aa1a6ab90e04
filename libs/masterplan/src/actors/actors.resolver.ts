import {
  FieldProvenance,
  fieldProvenance,
  PROVENANCE_DESCRIPTION,
} from '../audit/provenance.graphql.js';
import { actorFieldsSet } from './actor.provenance.js';
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
import { GraphQLError } from 'graphql';
import { filledIn, requireUser, type GqlContext } from '../graphql/context.js';
import { maySeePeopleOf } from '../graphql/readers.js';
import { ActorKindValue } from '../graphql/enums.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { newEntityId } from '../shared/command-metadata.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import { Commitment, toCommitment } from '../commitments/commitments.graphql.js';
import { commitmentsOfActor } from '../commitments/commitments.projection.js';
import { Assignment, toAssignment } from '../measures/measures.graphql.js';
import { assignmentsOfActor } from '../measures/measures.projection.js';
import { AppointRepresentative, RegisterActor, RevokeRepresentative } from './actor.handlers.js';
import type { ActorKind } from './actor.js';
import {
  Actor,
  actorPayload,
  ActorPayload,
  loadActor,
  Representative,
  toActor,
  toRepresentative,
} from './actors.graphql.js';
import { allActors, representativesOfActor } from './actors.projection.js';

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
  /** Runs a mutation of an actor and answers with the actor as it then stands. */
  private readonly mutate: Mutate<ActorPayload>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(actorPayload);
  }

  @Query(() => Actor, { description: 'An organisation taking part.' })
  actor(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string): Promise<Actor> {
    return loadActor(ctx.view, id);
  }

  @Query(() => [Actor], { description: 'All actors, by name.' })
  actors(@Context() ctx: GqlContext): Actor[] {
    return allActors(ctx.view).map((r) => toActor(r, ctx.view));
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
    return (await actor.view.loader(representativesOfActor).load(actor.id)).map(toRepresentative);
  }

  @ResolveField(() => [Assignment], {
    description: 'The measures it is assigned to, with its role.',
  })
  async assignments(@Parent() actor: Actor): Promise<Assignment[]> {
    return (await actor.view.loader(assignmentsOfActor).load(actor.id)).map((r) =>
      toAssignment(r, actor.view),
    );
  }

  @ResolveField(() => [Commitment], {
    description: 'Its commitments, withdrawn and fulfilled ones included.',
  })
  async commitments(@Parent() actor: Actor): Promise<Commitment[]> {
    return (await actor.view.loader(commitmentsOfActor).load(actor.id)).map((r) =>
      toCommitment(r, actor.view),
    );
  }

  @ResolveField(() => [FieldProvenance], { description: PROVENANCE_DESCRIPTION })
  provenance(@Context() ctx: GqlContext, @Parent() actor: Actor): Promise<FieldProvenance[]> {
    return fieldProvenance(ctx, actor.view, { type: 'actor', id: actor.id }, actorFieldsSet);
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Everything done by or to this actor. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() actor: Actor,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(ctx, actor.view, { entityType: 'actor', entityId: actor.id }, page);
  }

  @Mutation(() => ActorPayload, {
    description: 'Register an organisation as an actor. Administrators only.',
  })
  registerActor(
    @Context() ctx: GqlContext,
    @Args('input') input: RegisterActorInput,
  ): Promise<ActorPayload> {
    return this.mutate(ctx, input, 'register actors', (meta) => {
      const actorId = input.actorId ?? newEntityId(meta, 'RegisterActor');
      const { name, kind, shortName } = input;
      return new RegisterActor({ actorId, name, kind, ...filledIn({ shortName }) }, meta);
    });
  }

  @Mutation(() => ActorPayload, {
    description: 'Let a user act for an actor. Administrators only; the appointment is audited.',
  })
  appointRepresentative(
    @Context() ctx: GqlContext,
    @Args('input') input: AppointRepresentativeInput,
  ): Promise<ActorPayload> {
    const { actorId, userId, name } = input;
    return this.mutate(ctx, input, 'appoint representatives', (meta) => {
      return new AppointRepresentative({ actorId, userId, name }, meta);
    });
  }

  @Mutation(() => ActorPayload, {
    description: 'End a user’s right to act for an actor, with a reason. Administrators only.',
  })
  revokeRepresentative(
    @Context() ctx: GqlContext,
    @Args('input') input: RevokeRepresentativeInput,
  ): Promise<ActorPayload> {
    const { actorId, userId, reason } = input;
    return this.mutate(ctx, input, 'revoke representatives', (meta) => {
      return new RevokeRepresentative({ actorId, userId, reason }, meta);
    });
  }
}
