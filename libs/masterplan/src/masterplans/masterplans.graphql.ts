import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { notFoundError } from '../graphql/context.js';
import { MasterplanStatusValue } from '../graphql/enums.js';
import { AS_OF_POSITION, entityLoader, FromView, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import type { DomainCommand } from '../shared/domain-command.js';
import { masterplanAggregate } from './masterplan.js';
import {
  masterplanById,
  themeFieldsOfMasterplan,
  type MasterplanRow,
  type MilestoneRow,
  type ThemeFieldRow,
} from './masterplans.projection.js';

@ObjectType({ description: 'The political act a masterplan rests on.' })
export class Motion {
  @Field({ description: 'Reference of the motion, e.g. "Ratsantrag SPD 2012-11-20".' })
  reference!: string;
  @Field() title!: string;
  @Field({ description: 'Who filed it (a council group).' }) filedBy!: string;
  @Field({ description: 'ISO date the motion was filed.' }) filedOn!: string;
}

@ObjectType({ description: 'A resolution of a council body.' })
export class Resolution {
  @Field() reference!: string;
  @Field({ description: 'The body that decided, e.g. a council committee.' }) body!: string;
  @Field({ description: 'ISO date of the decision.' }) decidedOn!: string;
}

@ObjectType({
  description:
    'An industry masterplan built together by many actors: theme fields, measures, commitments.',
})
export class Masterplan extends StreamEntity {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() region!: string;
  @Field(() => MasterplanStatusValue) status!: string;
  @Field(() => Motion, { description: 'The motion the masterplan answers.' }) motion!: Motion;
  @Field(() => Resolution, {
    description: 'The resolution that instructed the administration to prepare it.',
  })
  resolution!: Resolution;
  @Field(() => Resolution, {
    nullable: true,
    description: 'The resolution adopting it, once adopted.',
  })
  adoption?: Resolution | null;
  @Field(() => DateTime, { description: 'When it was initiated.' }) initiatedAt!: Date;
  @Field(() => String, {
    nullable: true,
    description: 'ISO date it was presented to politics and the public.',
  })
  presentedOn?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO date it was adopted.' }) adoptedOn?:
    string | null;
  @Field(() => Int, {
    description:
      'Version of the masterplan stream; pass it as expectedVersion to change it only if nobody else did.',
  })
  override get version(): Promise<number> {
    return super.version;
  }
  @Field(() => String, AS_OF_POSITION) asOfPosition?: string | null;
}

@ObjectType({ description: 'One of the thematic areas a masterplan is organised in (Themenfeld).' })
export class ThemeField extends FromView {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  @Field() name!: string;
  @Field() description!: string;
}

@ObjectType({ description: 'A dated step of the roadmap towards the masterplan.' })
export class Milestone {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field({ description: 'ISO date it is due.' }) dueDate!: string;
  @Field(() => String, { nullable: true, description: 'ISO date it was reached, if it was.' })
  reachedOn?: string | null;
}

@ObjectType()
export class MasterplanPayload extends Changed {
  @Field(() => Masterplan) masterplan!: Masterplan;
}

export const toMasterplan = (r: MasterplanRow, view: ReadView): Masterplan =>
  Object.assign(new Masterplan(), {
    view: view.spend(r),
    id: r.masterplan_id,
    title: r.title,
    region: r.region,
    status: r.status,
    motion: JSON.parse(r.motion),
    resolution: JSON.parse(r.resolution),
    adoption: r.adoption ? JSON.parse(r.adoption) : null,
    initiatedAt: new Date(r.initiated_at),
    presentedOn: r.presented_on,
    adoptedOn: r.adopted_on,
    asOfPosition: view.asOf ?? null,
    streamId: masterplanAggregate.streamPrefix + r.masterplan_id,
  });

export const toThemeField = (r: ThemeFieldRow, view: ReadView): ThemeField =>
  Object.assign(new ThemeField(), {
    view: view.spend(r),
    id: r.theme_field_id,
    masterplanId: r.masterplan_id,
    name: r.name,
    description: r.description,
  });

export const toMilestone = (r: MilestoneRow): Milestone => ({
  id: r.milestone_id,
  title: r.title,
  dueDate: r.due_date,
  reachedOn: r.reached_on,
});

export const loadMasterplan = entityLoader(masterplanById, toMasterplan, 'masterplan');

/** A theme field, taken from its masterplan's fields (one batched query for all). */
export async function loadThemeField(
  view: ReadView,
  masterplanId: string,
  themeFieldId: string,
): Promise<ThemeField> {
  const row = (await view.loader(themeFieldsOfMasterplan).load(masterplanId)).find(
    (f) => f.theme_field_id === themeFieldId,
  );
  if (!row) throw notFoundError('theme field', themeFieldId, view.asOf);
  return toThemeField(row, view);
}

/** Every masterplan mutation answers with the masterplan, whatever in it changed. */
export const masterplanPayload = payload(
  'masterplan',
  loadMasterplan,
  (_outcome, command: DomainCommand<{ masterplanId: string }>) => command.data.masterplanId,
);
