import {
  Args,
  ArgsType,
  Context,
  Field,
  InputType,
  Int,
  Parent,
  Query,
  registerEnumType,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { badInput, notFoundError, positionAfter, type GqlContext } from '../graphql/context.js';
import { EventTypeValue } from '../graphql/enums.js';
import { auditRowFor, criteriaFor, requireAuditReader } from '../graphql/readers.js';
import { Actor, toActor } from '../actors/actors.graphql.js';
import { actorById } from '../actors/actors.projection.js';
import { masterplanExists } from '../masterplans/masterplans.projection.js';
import { AuditEntry, AuditEntryConnection, toAuditEntry } from './audit.graphql.js';
import { startMessage, subscriptionQueue, type PushQueue } from '../graphql/push-queue.js';
import { ReadView } from '../read-store/read-view.js';
import { ReadStore } from '../read-store/read-store.js';
import { AuditFeed, type LiveAuditEntry } from './audit-feed.js';
import { auditList, checkCriteria, matchesCriteria, type AuditCriteria } from './audit-trail.js';
import { withSummaries } from './summary.js';
import type { AuditRow } from './audit.projection.js';
import { connectionOf, type Connection } from '../graphql/paging.js';
import type { EntityType } from './entities.js';

export enum AuditEntityTypeValue {
  MASTERPLAN = 'masterplan',
  ACTOR = 'actor',
  MEASURE = 'measure',
  COMMITMENT = 'commitment',
  PROPOSAL = 'proposal',
  DIALOGUE = 'dialogue',
  WORKING_GROUP = 'working_group',
  JOINT_DECLARATION = 'joint_declaration',
}
registerEnumType(AuditEntityTypeValue, {
  name: 'AuditEntityType',
  description: 'The kinds of entity the audit trail can be narrowed to.',
});

export enum AuditOrder {
  OLDEST_FIRST = 'oldest_first',
  NEWEST_FIRST = 'newest_first',
}
registerEnumType(AuditOrder, {
  name: 'AuditOrder',
  description: 'The order of audit entries, by log position.',
});

@InputType({ description: 'Narrows the audit trail; every criterion given must hold.' })
export class AuditFilter {
  @Field({ nullable: true, description: 'The actor (organisation) a user acted for.' })
  organisationId?: string;
  @Field({
    nullable: true,
    description:
      'The user who acted. Except for administrators, only entries concerning your own organisations are found by user.',
  })
  userId?: string;
  @Field(() => AuditEntityTypeValue, {
    nullable: true,
    description:
      'With entityId: every entry that concerns that entity. Alone: entries chiefly about that kind of entity.',
  })
  entityType?: EntityType;
  @Field({ nullable: true }) entityId?: string;
  @Field({ nullable: true }) masterplanId?: string;
  @Field(() => [EventTypeValue], {
    nullable: true,
    description:
      'Event types, e.g. [CommitmentDeclared, CommitmentWithdrawn]; an empty list matches nothing.',
  })
  eventTypes?: string[];
  @Field(() => DateTime, {
    nullable: true,
    description: 'Entries that occurred at or after this time.',
  })
  occurredFrom?: Date;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Entries that occurred before this time.',
  })
  occurredBefore?: Date;
  @Field({
    nullable: true,
    description:
      'All entries caused by one request. Except for administrators, only entries concerning your own organisations are found by request.',
  })
  correlationId?: string;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: 'Entries per page, 1 to 500.' })
  first!: number;
  @Field({ nullable: true, description: 'The endCursor of the previous page.' }) after?: string;
  @Field(() => AuditOrder, { defaultValue: AuditOrder.OLDEST_FIRST }) order!: AuditOrder;
}

/**
 * A page of the audit trail as a connection, for administrators and representatives; the
 * people behind each entry only for those who may see them (graphql/readers.ts).
 */
export async function auditConnection(
  ctx: GqlContext,
  view: ReadView,
  criteria: AuditCriteria,
  page: PageArgs,
): Promise<Connection<AuditEntry>> {
  await requireAuditReader(ctx, 'read the audit trail');
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > 500)
    throw badInput('first must be between 1 and 500', 'first');
  checkCriteria(criteria);
  const readable = await criteriaFor(ctx, criteria);
  return connectionOf<AuditRow, AuditEntry>(
    view,
    (sql, params) => view.store.all(sql, ...params),
    auditList(readable, view.asOf),
    {
      first: page.first,
      newestFirst: page.order === AuditOrder.NEWEST_FIRST,
      ...(page.after != null ? { after: positionAfter(page.after, view.lastApplied) } : {}),
    },
    (rows) =>
      Promise.all(
        withSummaries(rows, view.store).map(async (row) =>
          toAuditEntry(await auditRowFor(ctx, row), view),
        ),
      ),
  );
}

/** An entry the feed pushed, as this subscriber may read it, within its message's budget. */
async function entryFor(ctx: GqlContext, { row, view }: LiveAuditEntry): Promise<AuditEntry> {
  const mine = startMessage(ctx, view);
  return toAuditEntry(await auditRowFor(ctx, row), mine);
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(
    private readonly feed: AuditFeed,
    private readonly readStore: ReadStore,
  ) {}

  @Query(() => AuditEntryConnection, {
    description:
      'Who did what, when, for whom, and what changed: every stored event, filtered and paged. Needs a token.',
  })
  auditTrail(
    @Context() ctx: GqlContext,
    @Args() page: PageArgs,
    @Args('filter', { type: () => AuditFilter, nullable: true }) filter?: AuditFilter,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(ctx, ctx.view, filter ?? {}, page);
  }

  @Subscription(() => AuditEntry, {
    description:
      'Each new audit entry matching the filter, live, once the read models show it. Needs a token (connection_init payload { authorization: "Bearer …" }); the subscription ends with UNAUTHENTICATED when the token expires and with FORBIDDEN when you no longer may read the audit trail. Each message is held to the limits of a query.',
    resolve: (entry: LiveAuditEntry, _args: unknown, ctx: GqlContext) => entryFor(ctx, entry),
  })
  async auditEvents(
    @Context() ctx: GqlContext,
    @Args('filter', { type: () => AuditFilter, nullable: true }) filter?: AuditFilter,
  ): Promise<AsyncIterableIterator<LiveAuditEntry>> {
    await requireAuditReader(ctx, 'follow the audit trail');
    checkCriteria(filter ?? {});
    // Following a masterplan that does not exist would wait forever for nothing.
    if (filter?.masterplanId != null && !masterplanExists(this.readStore, filter.masterplanId))
      throw notFoundError('masterplan', filter.masterplanId);
    const queue: PushQueue<LiveAuditEntry> = subscriptionQueue(ctx, () => unsubscribe());
    // The view of each entry's moment, shared with the other subscribers: a long-lived
    // subscription neither keeps nor serves stale names, and the caller's rights are those
    // of that moment (a representative revoked since hears no more).
    // Entries are pushed in order: each waits for the one before it.
    let pushed = Promise.resolve();
    const unsubscribe = this.feed.subscribe((entry) => {
      if (!matchesCriteria(entry.row, entry.entities, filter)) return;
      pushed = pushed.then(async () => {
        const then = { ...ctx, view: entry.view };
        try {
          await requireAuditReader(then, 'follow the audit trail');
        } catch (error) {
          return queue.fail(error as GraphQLError);
        }
        if (matchesCriteria(entry.row, entry.entities, await criteriaFor(then, filter ?? {})))
          queue.push(entry);
      });
    });
    return queue;
  }

  @ResolveField(() => Actor, {
    nullable: true,
    description: 'The actor the user acted for, if any.',
  })
  async organisation(@Parent() entry: AuditEntry): Promise<Actor | null> {
    if (!entry.organisationId) return null;
    const row = await entry.view.loader(actorById).load(entry.organisationId);
    return row ? toActor(row, entry.view) : null;
  }
}
