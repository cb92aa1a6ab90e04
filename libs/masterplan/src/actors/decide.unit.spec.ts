import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, ihkRep } from '../../test/fixtures.js';
import { type ActorEvent } from './actor.js';
import { actorDecider } from './decide.js';

const spec = deciderSpec(actorDecider);
const registered: ActorEvent = {
  type: 'ActorRegistered',
  data: { actorId: 'ihk', name: 'IHK Aachen', kind: 'chamber' },
};
const appointed: ActorEvent = {
  type: 'RepresentativeAppointed',
  data: { actorId: 'ihk', userId: 'r.schmidt', name: 'R. Schmidt' },
};

describe('actors', () => {
  it('an administrator registers an actor with a kind', () =>
    spec
      .given([])
      .when(
        { type: 'RegisterActor', data: { actorId: 'ihk', name: ' IHK Aachen ', kind: 'chamber' } },
        asAdmin,
      )
      .then([
        { type: 'ActorRegistered', data: { actorId: 'ihk', name: 'IHK Aachen', kind: 'chamber' } },
      ]));

  it('only administrators register actors', () =>
    spec
      .given([])
      .when(
        { type: 'RegisterActor', data: { actorId: 'ihk', name: 'IHK', kind: 'chamber' } },
        as(ihkRep),
      )
      .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY'));

  it('an actor kind must be one of the known kinds', () =>
    spec
      .given([])
      .when(
        { type: 'RegisterActor', data: { actorId: 'x', name: 'X', kind: 'club' as never } },
        asAdmin,
      )
      .thenRejects('INVALID_INPUT', 'NOT_ALLOWED'));

  it('an actor is registered once', () =>
    spec
      .given([registered])
      .when(
        { type: 'RegisterActor', data: { actorId: 'ihk', name: 'IHK', kind: 'chamber' } },
        asAdmin,
      )
      .thenRejects('ALREADY_EXISTS', 'ACTOR_ALREADY_REGISTERED'));

  it('an administrator appoints a representative, which is audited as an event', () =>
    spec
      .given([registered])
      .when({ type: 'AppointRepresentative', data: appointed.data }, asAdmin)
      .then([appointed]));

  it('a representative is appointed once', () =>
    spec
      .given([registered, appointed])
      .when({ type: 'AppointRepresentative', data: appointed.data }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'ALREADY_A_REPRESENTATIVE'));

  it('no representative for an unknown actor', () =>
    spec
      .given([])
      .when({ type: 'AppointRepresentative', data: appointed.data }, asAdmin)
      .thenRejects('NOT_FOUND', 'ACTOR_NOT_FOUND'));

  it('representatives do not appoint colleagues themselves', () =>
    spec
      .given([registered, appointed])
      .when(
        { type: 'AppointRepresentative', data: { actorId: 'ihk', userId: 'm.meyer', name: 'M' } },
        as(ihkRep),
      )
      .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY'));

  it('revoking needs a reason and a current representative', () => {
    spec
      .given([registered, appointed])
      .when(
        {
          type: 'RevokeRepresentative',
          data: { actorId: 'ihk', userId: 'r.schmidt', reason: 'left the chamber' },
        },
        asAdmin,
      )
      .then([
        {
          type: 'RepresentativeRevoked',
          data: { actorId: 'ihk', userId: 'r.schmidt', reason: 'left the chamber' },
        },
      ]);
    spec
      .given([registered])
      .when(
        {
          type: 'RevokeRepresentative',
          data: { actorId: 'ihk', userId: 'r.schmidt', reason: 'x' },
        },
        asAdmin,
      )
      .thenRejects('RULE_VIOLATED', 'NOT_A_REPRESENTATIVE');
    spec
      .given([registered, appointed])
      .when(
        {
          type: 'RevokeRepresentative',
          data: { actorId: 'ihk', userId: 'r.schmidt', reason: ' ' },
        },
        asAdmin,
      )
      .thenRejects('INVALID_INPUT', 'REQUIRED');
  });
});
