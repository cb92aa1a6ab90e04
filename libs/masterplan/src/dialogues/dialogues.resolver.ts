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
import { HoldDialogue, RecordDialogueMinutes, ScheduleDialogue } from './dialogue.handlers.js';
import { Dialogue, dialoguePayload, DialoguePayload } from './dialogues.graphql.js';

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
  /** Runs a mutation of a dialogue and answers with the dialogue as it then stands. */
  private readonly mutate: Mutate<DialoguePayload>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(dialoguePayload);
  }

  @ResolveField(() => [Actor], { description: 'The actors that took part, once held.' })
  participants(@Parent() dialogue: Dialogue): Promise<Actor[]> {
    return Promise.all(dialogue.participantIds.map((id) => loadActor(dialogue.view, id)));
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Scheduled, held, minuted: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() dialogue: Dialogue,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
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
  scheduleDialogue(
    @Context() ctx: GqlContext,
    @Args('input') input: ScheduleDialogueInput,
  ): Promise<DialoguePayload> {
    return this.mutate(ctx, input, 'schedule dialogues', (meta) => {
      const dialogueId = input.dialogueId ?? newEntityId(meta, 'ScheduleDialogue');
      const { masterplanId, title, scheduledFor, venue } = input;
      return new ScheduleDialogue({ dialogueId, masterplanId, title, scheduledFor, venue }, meta);
    });
  }

  @Mutation(() => DialoguePayload, {
    description: 'Record that a dialogue was held, with its participants. Administrators only.',
  })
  holdDialogue(
    @Context() ctx: GqlContext,
    @Args('input') input: HoldDialogueInput,
  ): Promise<DialoguePayload> {
    const { dialogueId, heldOn, participantActorIds } = input;
    return this.mutate(ctx, input, 'record dialogues', (meta) => {
      return new HoldDialogue({ dialogueId, heldOn, participantActorIds }, meta);
    });
  }

  @Mutation(() => DialoguePayload, {
    description: 'Record the minutes of a dialogue that was held. Administrators only.',
  })
  recordDialogueMinutes(
    @Context() ctx: GqlContext,
    @Args('input') input: RecordDialogueMinutesInput,
  ): Promise<DialoguePayload> {
    const { dialogueId, minutes } = input;
    return this.mutate(ctx, input, 'record minutes', (meta) => {
      return new RecordDialogueMinutes({ dialogueId, minutes }, meta);
    });
  }
}
