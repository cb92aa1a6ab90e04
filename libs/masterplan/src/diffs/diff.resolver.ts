import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Act, actOf } from '../audit/provenance.graphql.js';
import { auditList } from '../audit/audit-trail.js';
import type { AuditRow } from '../audit/audit.projection.js';
import { badInput, type GqlContext } from '../graphql/context.js';
import { MomentInput } from '../graphql/moment.js';
import { allSql } from '../graphql/paging.js';
import { requireAuditReader } from '../graphql/readers.js';
import { loadMasterplan } from '../masterplans/masterplans.graphql.js';
import type { ReadView } from '../read-store/read-view.js';
import { TimeTravel } from '../read-store/time-travel.js';
import { diffSnapshots } from './diff.js';
import { EntityChange, MasterplanDiff, toEntityChange } from './diff.graphql.js';
import { changedBy, snapshotOf } from './masterplan-snapshot.js';

/** The log position a view shows: its past moment, or where the live read models stand. */
const positionOf = (view: ReadView): string => view.asOf ?? view.lastApplied;

@Resolver(() => MasterplanDiff)
export class DiffsResolver {
  constructor(private readonly timeTravel: TimeTravel) {}

  @Query(() => MasterplanDiff, {
    description:
      'What differs in a masterplan between two moments (`from`, and `to` or now), each moment named as for `masterplan`: theme fields, measures, assignments and commitments added, removed and changed; `by` on each change tells who did it (needs a token).',
  })
  async masterplanDiff(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('from', { type: () => MomentInput }) from: MomentInput,
    @Args('to', { type: () => MomentInput, nullable: true }) to?: MomentInput,
  ): Promise<MasterplanDiff> {
    if (!Object.values(from).some((value) => value != null))
      throw badInput(
        'from must name a moment: asOf, asOfPosition, justBeforeEvent or justAfterEvent',
        'from',
      );
    // Nothing is deleted, so a masterplan unknown now never existed.
    await loadMasterplan(ctx.view, id);
    const [earlier, later] = await Promise.all([
      this.timeTravel.viewFor(ctx.view, from),
      this.timeTravel.viewFor(ctx.view, to ?? {}),
    ]);
    const [fromPosition, toPosition] = [positionOf(earlier), positionOf(later)];
    if (fromPosition > toPosition)
      throw badInput(
        `from (${fromPosition || 'before the first event'}) is after to (${toPosition}); name the earlier moment first`,
        'from',
      );
    const [before, after] = await Promise.all([snapshotOf(earlier, id), snapshotOf(later, id)]);
    let entries: Promise<Map<string, AuditRow[]>> | undefined;
    const entriesBetween = () =>
      (entries ??= this.entriesBetween(ctx, later, id, fromPosition, toPosition));
    return Object.assign(new MasterplanDiff(), {
      masterplanId: id,
      fromPosition,
      toPosition,
      changes: diffSnapshots(before, after).map((change) =>
        toEntityChange(
          change,
          later,
          async () => (await entriesBetween()).get(`${change.entityType}:${change.entityId}`) ?? [],
        ),
      ),
    });
  }

  /** The masterplan's audit entries after `from` up to `to`, by the entity they changed. */
  private async entriesBetween(
    ctx: GqlContext,
    view: ReadView,
    masterplanId: string,
    from: string,
    to: string,
  ): Promise<Map<string, AuditRow[]>> {
    await requireAuditReader(ctx, 'see who made the changes');
    const list = auditList({ masterplanId }, to);
    const sql = allSql({
      ...list,
      where: [...list.where, 'e.position > ?'],
      params: [...list.params, from],
    });
    const rows = await view.step(() => view.store.all<AuditRow>(sql.sql, ...sql.params));
    const byEntity = new Map<string, AuditRow[]>();
    for (const row of rows) {
      const key = changedBy(row);
      if (key !== undefined) byEntity.set(key, [...(byEntity.get(key) ?? []), row]);
    }
    return byEntity;
  }
}

@Resolver(() => EntityChange)
export class EntityChangesResolver {
  @ResolveField(() => [Act], {
    description:
      'The acts between the two moments that made this change, oldest first: who, for which organisation, when, by which event. Needs a token, as the audit trail does.',
  })
  async by(@Context() ctx: GqlContext, @Parent() change: EntityChange): Promise<Act[]> {
    await requireAuditReader(ctx, 'see who made the changes');
    return Promise.all((await change.entries()).map((entry) => actOf(ctx, entry, change.view)));
  }
}
