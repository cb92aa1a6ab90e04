import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Actor, loadActor } from '../actors/actors.graphql.js';
import type { GqlContext } from '../graphql/context.js';
import { DateTime } from '../graphql/date-time.scalar.js';
import { EventTypeValue } from '../graphql/enums.js';
import { FromView } from '../graphql/from-view.js';
import { JSONScalar } from '../graphql/json.scalar.js';
import { allSql } from '../graphql/paging.js';
import { auditRowFor, requireAuditReader } from '../graphql/readers.js';
import type { ReadView } from '../read-store/read-view.js';
import { auditList } from './audit-trail.js';
import type { AuditRow } from './audit.projection.js';
import type { EntityType } from './entities.js';
import { provenanceOf, type FieldsSet } from './provenance.js';

const PERSON =
  'The user; null for those who may not see the people behind the audit trail (as in `auditTrail`).';

/** When, by which event and for which organisation something was done. */
@ObjectType({ isAbstract: true })
abstract class Attribution extends FromView {
  organisationId!: string | null;
  @Field(() => DateTime, { description: 'When it happened (the event’s occurredAt).' })
  at!: Date;
  @Field({ description: 'The log position of the event.' }) position!: string;
  @Field(() => ID) eventId!: string;
  @Field(() => EventTypeValue) eventType!: string;
  @Field(() => Actor, {
    nullable: true,
    description: 'The organisation the user acted for; null when an administrator acted for none.',
  })
  get actingFor(): Promise<Actor> | null {
    return this.organisationId === null ? null : loadActor(this.view, this.organisationId);
  }
}

@ObjectType({
  description: 'Who set a field’s current value, for which organisation, when, and by which event.',
})
export class FieldProvenance extends Attribution {
  @Field({ description: 'The field, as this type names it.' }) field!: string;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The value it was set to: its value at the moment shown.',
  })
  value!: unknown;
  @Field(() => String, { nullable: true, description: PERSON }) setBy!: string | null;
}

@ObjectType({
  description: 'Something done: by whom, for which organisation, when, by which event.',
})
export class Act extends Attribution {
  @Field(() => String, { nullable: true, description: PERSON }) by!: string | null;
}

export const PROVENANCE_DESCRIPTION =
  'For each field, who set its current value, for which organisation, when and by which event (as of the moment shown). Needs a token, as the audit trail does.';

const attribution = (entry: AuditRow, view: ReadView) => ({
  view: view.spend(entry),
  organisationId: entry.organisation_id,
  at: new Date(entry.occurred_at),
  position: entry.position,
  eventId: entry.event_id,
  eventType: entry.event_type,
});

/** An entry with the people in it as `ctx` may see them (no summary: none is shown here). */
const readableBy = (ctx: GqlContext, entry: AuditRow) =>
  auditRowFor(ctx, { ...entry, summary: '' });

/** An audit entry as the act it records, the people in it as `ctx` may see them. */
export async function actOf(ctx: GqlContext, entry: AuditRow, view: ReadView): Promise<Act> {
  const readable = await readableBy(ctx, entry);
  return Object.assign(new Act(), { ...attribution(readable, view), by: readable.user_id });
}

/**
 * The audit entries filed under one entity, oldest first, up to the moment `view` shows; only
 * for those who may read the audit trail.
 */
export async function entriesOf(
  ctx: GqlContext,
  view: ReadView,
  entity: { type: EntityType; id: string },
  eventTypes: readonly string[],
): Promise<AuditRow[]> {
  await requireAuditReader(ctx, 'see who did what');
  const criteria = { entityType: entity.type, entityId: entity.id, eventTypes: [...eventTypes] };
  const sql = allSql(auditList(criteria, view.asOf));
  return view.step(() => view.store.all<AuditRow>(sql.sql, ...sql.params));
}

/** Who set each field of an entity, as `fieldsSet` tells which events set which fields. */
export async function fieldProvenance(
  ctx: GqlContext,
  view: ReadView,
  entity: { type: EntityType; id: string },
  fieldsSet: FieldsSet,
): Promise<FieldProvenance[]> {
  const entries = await entriesOf(ctx, view, entity, fieldsSet.eventTypes);
  return fieldProvenanceFrom(ctx, view, entries, fieldsSet);
}

/** Who set each field, from entries already read (oldest first). */
export async function fieldProvenanceFrom(
  ctx: GqlContext,
  view: ReadView,
  entries: readonly AuditRow[],
  fieldsSet: FieldsSet,
): Promise<FieldProvenance[]> {
  await requireAuditReader(ctx, 'see who did what');
  return Promise.all(
    provenanceOf(entries, fieldsSet).map(async ({ field, value, entry }) => {
      const readable = await readableBy(ctx, entry);
      return Object.assign(new FieldProvenance(), {
        ...attribution(readable, view),
        field,
        value,
        setBy: readable.user_id,
      });
    }),
  );
}
