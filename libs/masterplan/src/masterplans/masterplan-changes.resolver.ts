import { Args, Context, Field, ID, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { AuditFeed } from '../audit/audit-feed.js';
import { EventTypeValue } from '../graphql/enums.js';
import { notFoundError, type GqlContext } from '../graphql/context.js';
import { startMessage, subscriptionQueue, type PushQueue } from '../graphql/push-queue.js';
import { auditRowFor } from '../graphql/readers.js';
import { ReadStore } from '../read-store/read-store.js';
import type { ReadView } from '../read-store/read-view.js';
import type { AuditRow } from '../audit/audit.projection.js';
import { Masterplan, toMasterplan } from './masterplans.graphql.js';
import { masterplanById, masterplanExists, type MasterplanRow } from './masterplans.projection.js';

@ObjectType({
  description: 'A change to a masterplan or anything in it, with the masterplan as it now stands.',
})
export class MasterplanChange {
  @Field(() => Masterplan) masterplan!: Masterplan;
  @Field(() => EventTypeValue, {
    description: 'The event type of the change, e.g. CommitmentDeclared.',
  })
  eventType!: string;
  @Field({ description: 'What changed, in one line.' }) summary!: string;
  @Field({ description: 'Log position of the change.' }) position!: string;
  @Field(() => DateTime) occurredAt!: Date;
}

/** A change as the feed pushes it, made into each subscriber's answer when sent. */
interface PushedChange {
  row: AuditRow;
  plan: MasterplanRow;
  view: ReadView;
}

async function changeFor(ctx: GqlContext, { row, plan, view }: PushedChange) {
  const mine = startMessage(ctx, view);
  return {
    masterplan: toMasterplan(plan, mine),
    eventType: row.event_type,
    summary: (await auditRowFor(ctx, row)).summary,
    position: row.position,
    occurredAt: new Date(row.occurred_at),
  };
}

@Resolver(() => MasterplanChange)
export class MasterplanChangesResolver {
  constructor(
    private readonly feed: AuditFeed,
    private readonly readStore: ReadStore,
  ) {}

  @Subscription(() => MasterplanChange, {
    description:
      'Every change to the masterplan (its theme fields, measures, assignments, commitments, proposals, declaration), live. Public; the summary names the people behind a change only to those who may see them (docs/security.md). Each message is held to the limits of a query. With a token, the subscription ends (UNAUTHENTICATED) when the token expires.',
    resolve: (change: PushedChange, _args: unknown, ctx: GqlContext) => changeFor(ctx, change),
  })
  masterplanChanged(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): AsyncIterableIterator<PushedChange> {
    // Following a masterplan that does not exist would wait forever for nothing.
    if (!masterplanExists(this.readStore, id)) throw notFoundError('masterplan', id);
    const queue: PushQueue<PushedChange> = subscriptionQueue(ctx, () => unsubscribe());
    // The masterplan as it stands after each change, read from the view every subscriber
    // shares (one read for all of them); changes are pushed in order.
    let pushed = Promise.resolve();
    const unsubscribe = this.feed.subscribe(({ row, view }) => {
      if (row.masterplan_id !== id) return;
      pushed = pushed.then(async () => {
        const plan = await view.loader(masterplanById).load(id);
        if (plan) queue.push({ row, plan, view });
      });
    });
    return queue;
  }
}
