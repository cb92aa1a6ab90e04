import type { Aggregate, DomainEvent, User } from '../shared/decider.js';

export const ACTOR_KINDS = [
  'administration',
  'chamber',
  'union',
  'agency',
  'ministry',
  'company',
  'university',
  'network',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export type ActorRegistered = DomainEvent<
  'ActorRegistered',
  { actorId: string; name: string; shortName?: string; kind: ActorKind }
>;
export type RepresentativeAppointed = DomainEvent<
  'RepresentativeAppointed',
  { actorId: string; userId: string; name: string }
>;
export type RepresentativeRevoked = DomainEvent<
  'RepresentativeRevoked',
  { actorId: string; userId: string; reason: string }
>;
export type ActorEvent = ActorRegistered | RepresentativeAppointed | RepresentativeRevoked;

/** An organisation taking part; people act for it as its representatives. */
export interface ActorState {
  exists: boolean;
  actorId: string;
  name: string;
  kind?: ActorKind;
  /** User ids of the current representatives. */
  representatives: string[];
}

export const actorAggregate: Aggregate<ActorState, ActorEvent> = {
  streamPrefix: 'actor-',
  initialState: { exists: false, actorId: '', name: '', representatives: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'ActorRegistered':
        return {
          ...state,
          exists: true,
          actorId: event.data.actorId,
          name: event.data.name,
          kind: event.data.kind,
        };
      case 'RepresentativeAppointed':
        return { ...state, representatives: [...state.representatives, event.data.userId] };
      case 'RepresentativeRevoked':
        return {
          ...state,
          representatives: state.representatives.filter((u) => u !== event.data.userId),
        };
    }
  },
};

export function represents(actor: ActorState | undefined, user: User): boolean {
  return !!actor?.exists && actor.representatives.includes(user.userId);
}
