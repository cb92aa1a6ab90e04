import { Field, ObjectType } from '@nestjs/graphql';

/** Where a page of a Relay cursor connection ends. */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor?: string | null;
}
