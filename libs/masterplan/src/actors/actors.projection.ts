import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, endRow, insertRow } from '../read-store/temporal.js';

export const actorsProjection = projection({
  name: 'actors',
  version: 1,
  canHandle: ['ActorRegistered', 'RepresentativeAppointed', 'RepresentativeRevoked'],
  schema: `
    CREATE TABLE IF NOT EXISTS actors (
      actor_id TEXT NOT NULL, name TEXT NOT NULL, short_name TEXT, kind TEXT NOT NULL,
      registered_at TEXT NOT NULL, ${VALIDITY}, PRIMARY KEY (actor_id, valid_to)
    );
    CREATE TABLE IF NOT EXISTS representatives (
      actor_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL,
      appointed_at TEXT NOT NULL, ${VALIDITY}, PRIMARY KEY (actor_id, user_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS representatives_by_user ON representatives (user_id, valid_to);
  `,
  apply(event, store) {
    switch (event.type) {
      case 'ActorRegistered':
        insertRow(
          store,
          'actors',
          {
            actor_id: event.data.actorId,
            name: event.data.name,
            short_name: event.data.shortName ?? null,
            kind: event.data.kind,
            registered_at: occurredAt(event),
          },
          event.position,
        );
        return;
      case 'RepresentativeAppointed':
        insertRow(
          store,
          'representatives',
          {
            actor_id: event.data.actorId,
            user_id: event.data.userId,
            name: event.data.name,
            appointed_at: occurredAt(event),
          },
          event.position,
        );
        return;
      case 'RepresentativeRevoked':
        endRow(
          store,
          'representatives',
          { actor_id: event.data.actorId, user_id: event.data.userId },
          event.position,
        );
    }
  },
});
