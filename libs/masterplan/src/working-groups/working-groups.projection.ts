import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, endRow, insertRow } from '../read-store/temporal.js';

export const workingGroupsProjection = projection({
  name: 'working-groups',
  version: 1,
  canHandle: ['WorkingGroupFormed', 'WorkingGroupMemberJoined', 'WorkingGroupMemberLeft'],
  schema: `
    CREATE TABLE IF NOT EXISTS working_groups (
      working_group_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      name TEXT NOT NULL, facilitator_actor_id TEXT NOT NULL, formed_at TEXT NOT NULL,
      ${VALIDITY}, PRIMARY KEY (working_group_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS working_groups_by_masterplan ON working_groups (masterplan_id, valid_to);
    CREATE TABLE IF NOT EXISTS working_group_members (
      working_group_id TEXT NOT NULL, actor_id TEXT NOT NULL, joined_at TEXT NOT NULL,
      ${VALIDITY}, PRIMARY KEY (working_group_id, actor_id, valid_to)
    );
  `,
  apply(event, store) {
    const groupId = event.streamId.slice('workinggroup-'.length);
    const at = event.position;
    switch (event.type) {
      case 'WorkingGroupFormed': {
        const d = event.data;
        insertRow(
          store,
          'working_groups',
          {
            working_group_id: d.workingGroupId,
            masterplan_id: d.masterplanId,
            theme_field_id: d.themeFieldId,
            name: d.name,
            facilitator_actor_id: d.facilitatorActorId,
            formed_at: occurredAt(event),
          },
          at,
        );
        insertRow(
          store,
          'working_group_members',
          {
            working_group_id: d.workingGroupId,
            actor_id: d.facilitatorActorId,
            joined_at: occurredAt(event),
          },
          at,
        );
        return;
      }
      case 'WorkingGroupMemberJoined':
        insertRow(
          store,
          'working_group_members',
          { working_group_id: groupId, actor_id: event.data.actorId, joined_at: occurredAt(event) },
          at,
        );
        return;
      case 'WorkingGroupMemberLeft':
        endRow(
          store,
          'working_group_members',
          { working_group_id: groupId, actor_id: event.data.actorId },
          at,
        );
    }
  },
});
