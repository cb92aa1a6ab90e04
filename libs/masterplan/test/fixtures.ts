import {
  actorAggregate,
  type ActorEvent,
  type ActorKind,
  type ActorState,
} from '../src/actors/actor.js';
import {
  masterplanAggregate,
  type MasterplanEvent,
  type MasterplanState,
} from '../src/masterplans/masterplan.js';
import { fold, type User } from '../src/shared/decider.js';

export const NOW = new Date('2013-03-12T10:00:00Z');
export const admin: User = { userId: 'fb02.admin', isAdministrator: true };
export const ihkRep: User = { userId: 'r.schmidt', isAdministrator: false };
export const dgbRep: User = { userId: 'k.weber', isAdministrator: false };
export const stranger: User = { userId: 'someone', isAdministrator: false };

export const asAdmin = { user: admin, now: NOW };
export const as = (user: User) => ({ user, now: NOW });

export function actor(
  actorId: string,
  name: string,
  kind: ActorKind,
  ...representatives: string[]
): ActorState {
  const events: ActorEvent[] = [
    { type: 'ActorRegistered', data: { actorId, name, kind } },
    ...representatives.map((userId): ActorEvent => ({
      type: 'RepresentativeAppointed',
      data: { actorId, userId, name: userId },
    })),
  ];
  return fold(actorAggregate, events);
}

export const ihk = actor('ihk', 'IHK Aachen', 'chamber', ihkRep.userId);
export const dgb = actor('dgb', 'DGB', 'union', dgbRep.userId);
export const unknownActor: ActorState = actorAggregate.initialState;

export const motion = {
  reference: 'A 0123/12',
  title: 'Industrieregion Aachen',
  filedBy: 'SPD-Fraktion',
  filedOn: '2012-11-20',
};
export const resolution = {
  reference: 'FB 02/0042/WP16',
  body: 'Ausschuss für Arbeit, Wirtschaft und Wissenschaft',
  decidedOn: '2013-03-12',
};

export const initiated: MasterplanEvent = {
  type: 'MasterplanInitiated',
  data: {
    masterplanId: 'mp',
    title: 'Masterplan Industrie Aachen 2020',
    region: 'Aachen',
    motion,
    resolution,
  },
};
export const fachkraefte: MasterplanEvent = {
  type: 'ThemeFieldDefined',
  data: {
    masterplanId: 'mp',
    themeFieldId: 'tf-fachkraefte',
    name: 'Fachkräfte',
    description: 'Skilled workers',
  },
};
export const masterplan: MasterplanState = fold(masterplanAggregate, [initiated, fachkraefte]);
