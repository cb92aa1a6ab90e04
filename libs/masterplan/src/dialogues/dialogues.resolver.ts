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
import { AuditEntryConnection, Actor, Dialogue } from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, DialoguePayload } from '../graphql/payloads.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import { HoldDialogue, RecordDialogueMinutes, ScheduleDialogue } from './dialogue.handlers.js';

@InputType()
class ScheduleDialogueInput extends MutationInput {
  @Field(() => ID, { nullable: true }) dialogueId?: string;
  @Field(() => ID) masterplanId!: string;
  @Field() title!: string;
  @Field({ description: 'ISO date.' }) scheduledFor!: string;
  @Field() venue!: string;
}
@InputType()
class HoldDialogueInput extends MutationInput {
  @Field(() => ID) dialogueId!: string;
  @Field({ description: 'ISO date it was held.' }) heldOn!: string;
  @Field(() => [ID]) participantActorIds!: string[];
}
@InputType()
class RecordDialogueMinutesInput extends MutationInput {
  @Field(() => ID) dialogueId!: string;
  @Field() minutes!: string;
}

@Resolver(() => Dialogue)
export class DialoguesResolver {
  constructor(private readonly mutations: MutationRunner) {}

  @ResolveField(() => [Actor], { description: 'The actors that took part, once held.' })
  participants(@Parent() dialogue: Dialogue): Promise<Actor[]> {
    return Promise.all(dialogue.participantIds.map((id) => load.actor(dialogue.view, id)));
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Scheduled, held, minuted: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() dialogue: Dialogue,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
    return auditConnection(
      ctx,
      dialogue.view,
      { entityType: 'dialogue', entityId: dialogue.id },
      page,
    );
  }

  @Mutation(() => DialoguePayload, {
    description: 'Schedule an industry dialogue. Administrators only.',
  })
  async scheduleDialogue(
    @Context() ctx: GqlContext,
    @Args('input') input: ScheduleDialogueInput,
  ): Promise<DialoguePayload> {
    const meta = this.mutations.metadata(ctx, input, 'schedule dialogues');
    const dialogueId = this.mutations.newId(meta, 'ScheduleDialogue', input.dialogueId);
    const { masterplanId, title, scheduledFor, venue } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new ScheduleDialogue({ dialogueId, masterplanId, title, scheduledFor, venue }, meta),
      ),
    );
  }

  @Mutation(() => DialoguePayload, {
    description: 'Record that a dialogue was held, with its participants. Administrators only.',
  })
  async holdDialogue(
    @Context() ctx: GqlContext,
    @Args('input') input: HoldDialogueInput,
  ): Promise<DialoguePayload> {
    const meta = this.mutations.metadata(ctx, input, 'record dialogues');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new HoldDialogue(
          {
            dialogueId: input.dialogueId,
            heldOn: input.heldOn,
            participantActorIds: input.participantActorIds,
          },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => DialoguePayload, {
    description: 'Record the minutes of a dialogue that was held. Administrators only.',
  })
  async recordDialogueMinutes(
    @Context() ctx: GqlContext,
    @Args('input') input: RecordDialogueMinutesInput,
  ): Promise<DialoguePayload> {
    const meta = this.mutations.metadata(ctx, input, 'record minutes');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new RecordDialogueMinutes({ dialogueId: input.dialogueId, minutes: input.minutes }, meta),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<DialoguePayload> {
    return { ...changed(outcome), dialogue: await load.dialogue(ctx.view, outcome.entityId) };
  }
}
