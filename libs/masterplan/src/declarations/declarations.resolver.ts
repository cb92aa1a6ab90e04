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
import { maySeePeopleOf } from '../graphql/readers.js';
import {
  JointDeclaration,
  jointDeclarationPayload,
  JointDeclarationPayload,
  Signature,
  toSignature,
} from './declarations.graphql.js';
import { signaturesOfDeclaration } from './declarations.projection.js';
import {
  DraftJointDeclaration,
  PublishJointDeclaration,
  SignJointDeclaration,
} from './joint-declaration.handlers.js';

@InputType()
class RoadmapStepInput {
  @Field() title!: string;
  @Field({ description: 'ISO date.' }) dueDate!: string;
}
@InputType()
class DraftJointDeclarationInput extends MutationInput {
  @Field(() => ID, { nullable: true }) declarationId?: string;
  @Field(() => ID) masterplanId!: string;
  @Field() text!: string;
  @Field(() => [RoadmapStepInput]) roadmap!: RoadmapStepInput[];
}
@InputType()
class SignJointDeclarationInput extends MutationInput {
  @Field(() => ID) declarationId!: string;
  @Field(() => ID, { description: 'The actor signing; you must be one of its representatives.' })
  actorId!: string;
}
@InputType()
class PublishJointDeclarationInput extends MutationInput {
  @Field(() => ID) declarationId!: string;
}

@Resolver(() => JointDeclaration)
export class JointDeclarationsResolver {
  /** Runs a mutation of a joint declaration and answers with the declaration as it then stands. */
  private readonly mutate: Mutate<JointDeclarationPayload>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(jointDeclarationPayload);
  }

  @ResolveField(() => [Signature], { description: 'Who signed, in order.' })
  async signatures(@Parent() declaration: JointDeclaration): Promise<Signature[]> {
    return (await declaration.view.loader(signaturesOfDeclaration).load(declaration.id)).map((r) =>
      toSignature(r, declaration.view),
    );
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Drafted, signed, published: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() declaration: JointDeclaration,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(
      ctx,
      declaration.view,
      { entityType: 'joint_declaration', entityId: declaration.id },
      page,
    );
  }

  @Mutation(() => JointDeclarationPayload, {
    description: 'Draft the joint declaration with its roadmap. Administrators only.',
  })
  draftJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: DraftJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const action = 'draft the joint declaration';
    return this.mutate(ctx, input, action, (meta) => {
      const declarationId = input.declarationId ?? newEntityId(meta, 'DraftJointDeclaration');
      const roadmap = input.roadmap.map((s) => ({ title: s.title, dueDate: s.dueDate }));
      const { masterplanId, text } = input;
      return new DraftJointDeclaration({ declarationId, masterplanId, text, roadmap }, meta);
    });
  }

  @Mutation(() => JointDeclarationPayload, {
    description: 'Sign the joint declaration for your organisation.',
  })
  signJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: SignJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const { declarationId, actorId } = input;
    const action = 'sign the joint declaration';
    return this.mutate(ctx, input, action, (meta) => {
      return new SignJointDeclaration({ declarationId, actorId }, meta);
    });
  }

  @Mutation(() => JointDeclarationPayload, {
    description: 'Publish the signed joint declaration. Administrators only.',
  })
  publishJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: PublishJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const { declarationId } = input;
    const action = 'publish the joint declaration';
    return this.mutate(ctx, input, action, (meta) => {
      return new PublishJointDeclaration({ declarationId }, meta);
    });
  }
}

@Resolver(() => Signature)
export class SignaturesResolver {
  @ResolveField(() => Actor)
  actor(@Parent() signature: Signature): Promise<Actor> {
    return loadActor(signature.view, signature.actorId);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'The user who signed for the actor: for administrators and the actor’s representatives, null for others.',
  })
  async signedBy(
    @Context() ctx: GqlContext,
    @Parent() signature: Signature,
  ): Promise<string | null> {
    return (await maySeePeopleOf(ctx, signature.actorId)) ? signature.signedBy : null;
  }
}
