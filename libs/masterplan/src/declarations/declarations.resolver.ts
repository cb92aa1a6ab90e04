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
import { maySeePeopleOf } from '../graphql/readers.js';
import { toSignature } from '../graphql/mappers.js';
import { AuditEntryConnection, Actor, JointDeclaration, Signature } from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, JointDeclarationPayload } from '../graphql/payloads.js';
import type { CommandOutcome } from '../shared/command-executor.js';
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
  constructor(private readonly mutations: MutationRunner) {}

  @ResolveField(() => [Signature], { description: 'Who signed, in order.' })
  async signatures(@Parent() declaration: JointDeclaration): Promise<Signature[]> {
    return (await declaration.view.signaturesOfDeclaration.load(declaration.id)).map((r) =>
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
  ): Promise<AuditEntryConnection> {
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
  async draftJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: DraftJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const meta = this.mutations.metadata(ctx, input, 'draft the joint declaration');
    const declarationId = this.mutations.newId(meta, 'DraftJointDeclaration', input.declarationId);
    const roadmap = input.roadmap.map((s) => ({ title: s.title, dueDate: s.dueDate }));
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new DraftJointDeclaration(
          { declarationId, masterplanId: input.masterplanId, text: input.text, roadmap },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => JointDeclarationPayload, {
    description: 'Sign the joint declaration for your organisation.',
  })
  async signJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: SignJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const meta = this.mutations.metadata(ctx, input, 'sign the joint declaration');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new SignJointDeclaration(
          { declarationId: input.declarationId, actorId: input.actorId },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => JointDeclarationPayload, {
    description: 'Publish the signed joint declaration. Administrators only.',
  })
  async publishJointDeclaration(
    @Context() ctx: GqlContext,
    @Args('input') input: PublishJointDeclarationInput,
  ): Promise<JointDeclarationPayload> {
    const meta = this.mutations.metadata(ctx, input, 'publish the joint declaration');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new PublishJointDeclaration({ declarationId: input.declarationId }, meta),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<JointDeclarationPayload> {
    return {
      ...changed(outcome),
      jointDeclaration: await load.jointDeclaration(ctx.view, outcome.entityId),
    };
  }
}

@Resolver(() => Signature)
export class SignaturesResolver {
  @ResolveField(() => Actor)
  actor(@Parent() signature: Signature): Promise<Actor> {
    return load.actor(signature.view, signature.actorId);
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
