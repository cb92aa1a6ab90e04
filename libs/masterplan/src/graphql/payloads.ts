import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { CommandOutcome } from '../shared/command-executor.js';
import {
  Actor,
  Commitment,
  Dialogue,
  JointDeclaration,
  Masterplan,
  Measure,
  Proposal,
  WorkingGroup,
} from './models.js';

/** What every mutation answers besides the changed entity. */
@ObjectType({ isAbstract: true })
abstract class Changed {
  @Field(() => Int, {
    description:
      'The version of the changed stream after this change; use it as the next expectedVersion.',
  })
  version!: number;
  @Field({
    description: 'Log position of the change (to compare with asOfPosition or projectionStatus).',
  })
  position!: string;
  @Field({
    description:
      'True when this was a repeat of an earlier mutation with the same idempotencyKey: nothing changed now.',
  })
  repeated!: boolean;
}

export const changed = (outcome: CommandOutcome) => ({
  version: outcome.version,
  position: outcome.position,
  repeated: outcome.repeated,
});

@ObjectType()
export class ActorPayload extends Changed {
  @Field(() => Actor) actor!: Actor;
}
@ObjectType()
export class MasterplanPayload extends Changed {
  @Field(() => Masterplan) masterplan!: Masterplan;
}
@ObjectType()
export class MeasurePayload extends Changed {
  @Field(() => Measure) measure!: Measure;
}
@ObjectType()
export class ProposalPayload extends Changed {
  @Field(() => Proposal) proposal!: Proposal;
}
@ObjectType()
export class CommitmentPayload extends Changed {
  @Field(() => Commitment) commitment!: Commitment;
}
@ObjectType()
export class DialoguePayload extends Changed {
  @Field(() => Dialogue) dialogue!: Dialogue;
}
@ObjectType()
export class WorkingGroupPayload extends Changed {
  @Field(() => WorkingGroup) workingGroup!: WorkingGroup;
}
@ObjectType()
export class JointDeclarationPayload extends Changed {
  @Field(() => JointDeclaration) jointDeclaration!: JointDeclaration;
}
