import { occurredAt, projection } from '../projections/projection.js';
import { OPEN, VALIDITY, endRow, insertRow, validAt } from '../read-store/temporal.js';
import type { ReadStore } from '../read-store/read-store.js';
import type { ReadView } from '../read-store/read-view.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface ActorRow {
  actor_id: string;
  name: string;
  short_name: string | null;
  kind: string;
  registered_at: string;
}
export interface RepresentativeRow {
  actor_id: string;
  user_id: string;
  name: string;
  appointed_at: string;
}

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

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const actors = versionedTable<ActorRow>('actors');
const representatives = versionedTable<RepresentativeRow>('representatives');
export const actorById = actors.rowBy('actor_id');
export const representativesOfActor = representatives.rowsBy('actor_id', 'appointed_at, user_id');

export const allActors = (view: ReadView): ActorRow[] =>
  view.read<ActorRow>(`SELECT * FROM actors WHERE ${validAt()} ORDER BY name`, { at: view.at });

/** The actors a user represents now, whatever moment a view shows: rights are those of today. */
export const actorsRepresentedBy = (store: ReadStore, userId: string): string[] =>
  store
    .all<{ actor_id: string }>(
      `SELECT actor_id FROM representatives WHERE user_id = ? AND valid_to = '${OPEN}'`,
      userId,
    )
    .map((r) => r.actor_id);
