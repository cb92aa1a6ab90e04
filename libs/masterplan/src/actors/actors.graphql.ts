import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { ActorKindValue } from '../graphql/enums.js';
import { entityLoader, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import { actorAggregate } from './actor.js';
import { actorById, type ActorRow, type RepresentativeRow } from './actors.projection.js';

@ObjectType({
  description:
    'An organisation taking part: a chamber, union, agency, ministry, company, university, network or administration.',
})
export class Actor extends StreamEntity {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
  @Field(() => ActorKindValue) kind!: string;
  @Field(() => DateTime) registeredAt!: Date;
}

@ObjectType({ description: 'A person who may act for an actor; appointed by an administrator.' })
export class Representative {
  @Field(() => ID, { description: 'The user id in tokens.' }) userId!: string;
  @Field() name!: string;
  @Field(() => DateTime) appointedAt!: Date;
}

@ObjectType()
export class ActorPayload extends Changed {
  @Field(() => Actor) actor!: Actor;
}

export const toActor = (r: ActorRow, view: ReadView): Actor =>
  Object.assign(new Actor(), {
    view: view.spend(r),
    id: r.actor_id,
    name: r.name,
    shortName: r.short_name,
    kind: r.kind,
    registeredAt: new Date(r.registered_at),
    streamId: actorAggregate.streamPrefix + r.actor_id,
  });

export const toRepresentative = (r: RepresentativeRow): Representative => ({
  userId: r.user_id,
  name: r.name,
  appointedAt: new Date(r.appointed_at),
});

export const loadActor = entityLoader(actorById, toActor, 'actor');
export const actorPayload = payload('actor', loadActor);
