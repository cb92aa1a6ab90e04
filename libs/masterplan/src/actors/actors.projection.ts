import { occurredAt, type Projection } from '../projections/projection.js';

export const actorsProjection: Projection = {
  name: 'actors',
  schema: `
    CREATE TABLE IF NOT EXISTS actors (
      actor_id TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT, kind TEXT NOT NULL,
      registered_at TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS representatives (
      actor_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL,
      appointed_at TEXT NOT NULL, PRIMARY KEY (actor_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS representatives_by_user ON representatives (user_id);
  `,
  apply(event, store) {
    switch (event.type) {
      case 'ActorRegistered':
        store.run(
          'INSERT INTO actors (actor_id, name, short_name, kind, registered_at, version, position) VALUES (?, ?, ?, ?, ?, ?, ?)',
          event.data.actorId,
          event.data.name,
          event.data.shortName ?? null,
          event.data.kind,
          occurredAt(event),
          event.revision,
          event.position,
        );
        return;
      case 'RepresentativeAppointed':
        store.run(
          'INSERT INTO representatives (actor_id, user_id, name, appointed_at) VALUES (?, ?, ?, ?)',
          event.data.actorId,
          event.data.userId,
          event.data.name,
          occurredAt(event),
        );
        break;
      case 'RepresentativeRevoked':
        store.run(
          'DELETE FROM representatives WHERE actor_id = ? AND user_id = ?',
          event.data.actorId,
          event.data.userId,
        );
        break;
      default:
        return;
    }
    store.run(
      'UPDATE actors SET version = ?, position = ? WHERE actor_id = ?',
      event.revision,
      event.position,
      event.data.actorId,
    );
  },
};
