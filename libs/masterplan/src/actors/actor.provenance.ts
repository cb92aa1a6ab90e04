import type { FieldsSet } from '../audit/provenance.js';
import type { ActorEvent } from './actor.js';

/**
 * Which events set which fields of an `Actor`. Its representatives are a list with a
 * history of their own (each appointment and revocation is an audit entry).
 */
export const actorFieldsSet: FieldsSet = {
  eventTypes: ['ActorRegistered'],
  fieldsOf(event) {
    const e = event as ActorEvent;
    return e.type === 'ActorRegistered'
      ? { name: e.data.name, shortName: e.data.shortName ?? null, kind: e.data.kind.toUpperCase() }
      : undefined;
  },
};
