import type { ActorState } from '../actors/actor.js';
import { represents } from '../actors/actor.js';
import type { User } from './decider.js';
import { forbidden, notFound, type Rejection } from './rejection.js';

/** The checks about who may do what, shared by every decider. */

export function mustBeAdministrator(user: User, what: string): Rejection | undefined {
  return user.isAdministrator
    ? undefined
    : forbidden('ADMINISTRATORS_ONLY', `Only administrators of the process may ${what}`);
}

/** The user must be a representative of this actor (administrators included: no exception). */
export function mustRepresent(
  actor: ActorState | undefined,
  actorId: string,
  user: User,
): Rejection | undefined {
  if (!actor?.exists || actor.actorId !== actorId)
    return notFound('ACTOR_NOT_FOUND', `There is no actor '${actorId}'`);
  return represents(actor, user)
    ? undefined
    : forbidden(
        'NOT_A_REPRESENTATIVE',
        `User '${user.userId}' is not a representative of ${actor.name} and cannot act for it`,
      );
}

export function mustExist(actor: ActorState | undefined, actorId: string): Rejection | undefined {
  return actor?.exists ? undefined : notFound('ACTOR_NOT_FOUND', `There is no actor '${actorId}'`);
}
