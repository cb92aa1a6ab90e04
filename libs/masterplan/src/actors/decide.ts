import type { Decider } from '../shared/decider.js';
import { actorAggregate } from './actor.js';
import type { DecisionContext, Decision } from '../shared/decider.js';
import { notFound, ruleViolated, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator } from '../shared/rules.js';
import { firstRejection, requireOneOf, requireText, requireUserId } from '../shared/validation.js';
import { ACTOR_KINDS, type ActorEvent, type ActorKind, type ActorState } from './actor.js';

export type ActorCommand =
  | {
      type: 'RegisterActor';
      data: { actorId: string; name: string; shortName?: string; kind: ActorKind };
    }
  | { type: 'AppointRepresentative'; data: { actorId: string; userId: string; name: string } }
  | { type: 'RevokeRepresentative'; data: { actorId: string; userId: string; reason: string } };

export function decideActor(
  command: ActorCommand,
  state: ActorState,
  ctx: DecisionContext,
): Decision<ActorEvent> {
  switch (command.type) {
    case 'RegisterActor': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'register actors'),
        requireText(data.name, 'name', 200),
        data.shortName !== undefined ? requireText(data.shortName, 'shortName', 50) : undefined,
        requireOneOf(data.kind, ACTOR_KINDS, 'kind'),
        state.exists
          ? alreadyExists(
              'ACTOR_ALREADY_REGISTERED',
              `Actor '${data.actorId}' is already registered`,
            )
          : undefined,
      );
      if (refused) return refused;
      return [{ type: 'ActorRegistered', data: { ...data, name: data.name.trim() } }];
    }
    case 'AppointRepresentative': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'appoint representatives'),
        state.exists
          ? undefined
          : notFound('ACTOR_NOT_FOUND', `There is no actor '${data.actorId}'`),
        requireText(data.userId, 'userId', 200),
        requireUserId(data.userId),
        requireText(data.name, 'name', 200),
        state.representatives.includes(data.userId)
          ? ruleViolated(
              'ALREADY_A_REPRESENTATIVE',
              `User '${data.userId}' already represents ${state.name}`,
            )
          : undefined,
      );
      return refused ?? [{ type: 'RepresentativeAppointed', data }];
    }
    case 'RevokeRepresentative': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'revoke representatives'),
        state.exists
          ? undefined
          : notFound('ACTOR_NOT_FOUND', `There is no actor '${data.actorId}'`),
        requireText(data.reason, 'reason'),
        state.representatives.includes(data.userId)
          ? undefined
          : ruleViolated(
              'NOT_A_REPRESENTATIVE',
              `User '${data.userId}' does not represent ${state.name}`,
            ),
      );
      return refused ?? [{ type: 'RepresentativeRevoked', data }];
    }
  }
}

/** The actor decider: its state, events and rules in one object. */
export const actorDecider: Decider<ActorState, ActorEvent, ActorCommand, DecisionContext> = {
  ...actorAggregate,
  decide: decideActor,
};
