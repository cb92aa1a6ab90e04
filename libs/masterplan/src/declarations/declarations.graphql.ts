import { Field, ID, ObjectType } from '@nestjs/graphql';
import { entityLoader, FromView, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import {
  declarationById,
  type DeclarationRow,
  type SignatureRow,
} from './declarations.projection.js';
import { jointDeclarationAggregate } from './joint-declaration.js';

@ObjectType({ description: 'A step of the roadmap in the joint declaration.' })
export class RoadmapStep {
  @Field() title!: string;
  @Field() dueDate!: string;
}

@ObjectType({
  description: 'The joint declaration (gemeinsame Erklärung): text and roadmap, signed by actors.',
})
export class JointDeclaration extends StreamEntity {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => [RoadmapStep]) roadmap!: RoadmapStep[];
  @Field(() => String, { nullable: true, description: 'ISO date it was published.' }) publishedOn?:
    string | null;
}

@ObjectType({ description: 'An actor’s signature on the joint declaration.' })
export class Signature extends FromView {
  actorId!: string;
  @Field({ description: 'ISO date of signing.' }) signedOn!: string;
  /** Resolved for those who may see it (SignaturesResolver.signedBy). */
  signedBy!: string;
}

@ObjectType()
export class JointDeclarationPayload extends Changed {
  @Field(() => JointDeclaration) jointDeclaration!: JointDeclaration;
}

export const toJointDeclaration = (r: DeclarationRow, view: ReadView): JointDeclaration =>
  Object.assign(new JointDeclaration(), {
    view: view.spend(r),
    id: r.declaration_id,
    text: r.text,
    roadmap: JSON.parse(r.roadmap),
    publishedOn: r.published_on,
    streamId: jointDeclarationAggregate.streamPrefix + r.declaration_id,
  });

export const toSignature = (r: SignatureRow, view: ReadView): Signature =>
  Object.assign(new Signature(), {
    view: view.spend(r),
    actorId: r.actor_id,
    signedOn: r.signed_on,
    signedBy: r.signed_by,
  });

export const loadJointDeclaration = entityLoader(
  declarationById,
  toJointDeclaration,
  'joint declaration',
);
export const jointDeclarationPayload = payload('jointDeclaration', loadJointDeclaration);
