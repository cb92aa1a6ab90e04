import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Lookup } from '../read-store/lookup.js';
import type { ReadView } from '../read-store/read-view.js';
import { notFoundError } from './context.js';

/**
 * What every GraphQL object read from the read models carries. Its scalar fields are set
 * from its row; fields that lead to other objects are resolved in the feature resolvers,
 * through `view`: the read models the object was read from (live, or a past moment for
 * `asOf` queries), never mixed.
 */
export abstract class FromView {
  view!: ReadView;
}

/**
 * An entity with a stream of its own (`streamId`), whose version a mutation may expect; the
 * version is looked up in the view only when a query asks for it, batched with the others.
 * A type that says more about its version overrides the getter with its own description.
 */
@ObjectType({ isAbstract: true })
export abstract class StreamEntity extends FromView {
  streamId!: string;
  @Field(() => Int)
  get version(): Promise<number> {
    return this.view.versionOf(this.streamId);
  }
}

/** `asOfPosition` of the entities a query can ask for at a past moment (masterplan, measure). */
export const AS_OF_POSITION = {
  nullable: true,
  description:
    'For a view of the past (asOf or asOfPosition): the log position it shows; asking for it again gives the same answer.',
} as const;

/**
 * How a feature loads one of its entities as a GraphQL object from a view: by id, or
 * NOT_FOUND naming `what` (and the moment, for a view of the past).
 */
export const entityLoader =
  <Row, T>(
    lookup: Lookup<Row, Row | undefined>,
    toObject: (row: Row, view: ReadView) => T,
    what: string,
  ) =>
  async (view: ReadView, id: string): Promise<T> => {
    const row = await view.loader(lookup).load(id);
    if (!row) throw notFoundError(what, id, view.asOf);
    return toObject(row, view);
  };
