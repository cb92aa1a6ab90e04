import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../graphql/json.scalar.js';
import { FromView } from '../graphql/from-view.js';
import type { AuditRow } from '../audit/audit.projection.js';
import type { Change } from './diff.js';

export enum ChangeKindValue {
  ADDED = 'added',
  REMOVED = 'removed',
  CHANGED = 'changed',
}
registerEnumType(ChangeKindValue, {
  name: 'ChangeKind',
  description: 'Whether an entity came, went (an assignment ended) or changed between two moments.',
});

export enum DiffEntityTypeValue {
  THEME_FIELD = 'theme_field',
  MEASURE = 'measure',
  ASSIGNMENT = 'assignment',
  COMMITMENT = 'commitment',
}
registerEnumType(DiffEntityTypeValue, { name: 'DiffEntityType' });

@ObjectType({ description: 'One field of an entity, at the earlier and at the later moment.' })
export class FieldChange {
  @Field({ description: 'The field, as the entity’s type names it.' }) field!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Its value at `from`; null if none.' })
  before!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Its value at `to`; null if none.' })
  after!: unknown;
}

@ObjectType({ description: 'An entity of the masterplan that differs between the two moments.' })
export class EntityChange extends FromView {
  @Field(() => DiffEntityTypeValue) entityType!: string;
  @Field(() => ID, {
    description: 'Its id; for an assignment, `<measure id>/<actor id>`.',
  })
  entityId!: string;
  @Field(() => ChangeKindValue) kind!: string;
  @Field(() => [FieldChange], {
    description: 'The fields that differ; for an entity added or removed, all of them.',
  })
  fields!: FieldChange[];
  /** The audit entries between the two moments that made this change. */
  entries!: () => Promise<AuditRow[]>;
}

@ObjectType({
  description:
    'What differs in a masterplan between two moments: theme fields, measures, assignments and commitments added, removed and changed, each with who did it and when.',
})
export class MasterplanDiff {
  @Field(() => ID) masterplanId!: string;
  @Field({ description: 'The log position of the earlier moment ("" before the first event).' })
  fromPosition!: string;
  @Field({ description: 'The log position of the later moment.' }) toPosition!: string;
  @Field(() => [EntityChange]) changes!: EntityChange[];
}

export const toEntityChange = (
  change: Change,
  view: FromView['view'],
  entries: () => Promise<AuditRow[]>,
): EntityChange => Object.assign(new EntityChange(), { ...change, view, entries });
