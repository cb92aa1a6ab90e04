import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, endRow, insertRow } from '../read-store/temporal.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface WorkingGroupRow {
  working_group_id: string;
  masterplan_id: string;
  theme_field_id: string;
  name: string;
  facilitator_actor_id: string;
  formed_at: string;
}
export interface MemberRow {
  working_group_id: string;
  actor_id: string;
  joined_at: string;
}

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

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const workingGroups = versionedTable<WorkingGroupRow>('working_groups');
const workingGroupMembers = versionedTable<MemberRow>('working_group_members');
export const workingGroupById = workingGroups.rowBy('working_group_id');
export const workingGroupsOfMasterplan = workingGroups.rowsBy('masterplan_id', 'working_group_id');
export const membersOfWorkingGroup = workingGroupMembers.rowsBy(
  'working_group_id',
  'joined_at, actor_id',
);
