import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { entityLoader, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import { workingGroupAggregate } from './working-group.js';
import { workingGroupById, type WorkingGroupRow } from './working-groups.projection.js';

@ObjectType({
  description: 'A small working group (Kleingruppe) working out proposals for one theme field.',
})
export class WorkingGroup extends StreamEntity {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  themeFieldId!: string;
  facilitatorActorId!: string;
  @Field() name!: string;
  @Field(() => DateTime) formedAt!: Date;
}

@ObjectType()
export class WorkingGroupPayload extends Changed {
  @Field(() => WorkingGroup) workingGroup!: WorkingGroup;
}

export const toWorkingGroup = (r: WorkingGroupRow, view: ReadView): WorkingGroup =>
  Object.assign(new WorkingGroup(), {
    view: view.spend(r),
    id: r.working_group_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    facilitatorActorId: r.facilitator_actor_id,
    name: r.name,
    formedAt: new Date(r.formed_at),
    streamId: workingGroupAggregate.streamPrefix + r.working_group_id,
  });

export const loadWorkingGroup = entityLoader(workingGroupById, toWorkingGroup, 'working group');
export const workingGroupPayload = payload('workingGroup', loadWorkingGroup);
