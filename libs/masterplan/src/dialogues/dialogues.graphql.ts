import { Field, ID, ObjectType } from '@nestjs/graphql';
import { entityLoader, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import { dialogueAggregate } from './dialogue.js';
import { dialogueById, type DialogueRow } from './dialogues.projection.js';

@ObjectType({ description: 'An industry dialogue: the events where the actors meet.' })
export class Dialogue extends StreamEntity {
  @Field(() => ID) id!: string;
  participantIds!: string[];
  @Field() title!: string;
  @Field({ description: 'ISO date it is scheduled for.' }) scheduledFor!: string;
  @Field() venue!: string;
  @Field(() => String, { nullable: true, description: 'ISO date it was held.' }) heldOn?:
    string | null;
  @Field(() => String, { nullable: true }) minutes?: string | null;
}

@ObjectType()
export class DialoguePayload extends Changed {
  @Field(() => Dialogue) dialogue!: Dialogue;
}

export const toDialogue = (r: DialogueRow, view: ReadView): Dialogue =>
  Object.assign(new Dialogue(), {
    view: view.spend(r),
    id: r.dialogue_id,
    participantIds: r.participants ? (JSON.parse(r.participants) as string[]) : [],
    title: r.title,
    scheduledFor: r.scheduled_for,
    venue: r.venue,
    heldOn: r.held_on,
    minutes: r.minutes,
    streamId: dialogueAggregate.streamPrefix + r.dialogue_id,
  });

export const loadDialogue = entityLoader(dialogueById, toDialogue, 'dialogue');
export const dialoguePayload = payload('dialogue', loadDialogue);
