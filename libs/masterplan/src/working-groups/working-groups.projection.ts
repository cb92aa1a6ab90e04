import { occurredAt, type Projection } from '../projections/projection.js';

export const workingGroupsProjection: Projection = {
  name: 'working-groups',
  schema: `
    CREATE TABLE IF NOT EXISTS working_groups (
      working_group_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      name TEXT NOT NULL, facilitator_actor_id TEXT NOT NULL, formed_at TEXT NOT NULL,
      version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS working_group_members (
      working_group_id TEXT NOT NULL, actor_id TEXT NOT NULL, joined_at TEXT NOT NULL,
      PRIMARY KEY (working_group_id, actor_id)
    );
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('workinggroup-')) return;
    const groupId = event.streamId.slice('workinggroup-'.length);
    switch (event.type) {
      case 'WorkingGroupFormed': {
        const d = event.data;
        store.run(
          `INSERT INTO working_groups (working_group_id, masterplan_id, theme_field_id, name, facilitator_actor_id, formed_at, version, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          d.workingGroupId,
          d.masterplanId,
          d.themeFieldId,
          d.name,
          d.facilitatorActorId,
          occurredAt(event),
          event.revision,
          event.position,
        );
        store.run(
          'INSERT INTO working_group_members (working_group_id, actor_id, joined_at) VALUES (?, ?, ?)',
          d.workingGroupId,
          d.facilitatorActorId,
          occurredAt(event),
        );
        return;
      }
      case 'WorkingGroupMemberJoined':
        store.run(
          'INSERT INTO working_group_members (working_group_id, actor_id, joined_at) VALUES (?, ?, ?)',
          groupId,
          event.data.actorId,
          occurredAt(event),
        );
        break;
      case 'WorkingGroupMemberLeft':
        store.run(
          'DELETE FROM working_group_members WHERE working_group_id = ? AND actor_id = ?',
          groupId,
          event.data.actorId,
        );
        break;
    }
    store.run(
      'UPDATE working_groups SET version = ?, position = ? WHERE working_group_id = ?',
      event.revision,
      event.position,
      groupId,
    );
  },
};
