import type { Aggregate, DomainEvent } from '../shared/decider.js';

export type WorkingGroupFormed = DomainEvent<
  'WorkingGroupFormed',
  {
    workingGroupId: string;
    masterplanId: string;
    themeFieldId: string;
    name: string;
    facilitatorActorId: string;
  }
>;
export type WorkingGroupMemberJoined = DomainEvent<
  'WorkingGroupMemberJoined',
  { workingGroupId: string; actorId: string }
>;
export type WorkingGroupMemberLeft = DomainEvent<
  'WorkingGroupMemberLeft',
  { workingGroupId: string; actorId: string }
>;
export type WorkingGroupEvent =
  WorkingGroupFormed | WorkingGroupMemberJoined | WorkingGroupMemberLeft;

/** A small group (Kleingruppe) working out proposals for one theme field. */
export interface WorkingGroupState {
  exists: boolean;
  workingGroupId: string;
  masterplanId: string;
  name: string;
  members: string[];
}

export const workingGroupAggregate: Aggregate<WorkingGroupState, WorkingGroupEvent> = {
  streamPrefix: 'workinggroup-',
  initialState: { exists: false, workingGroupId: '', masterplanId: '', name: '', members: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'WorkingGroupFormed':
        return {
          ...state,
          exists: true,
          workingGroupId: event.data.workingGroupId,
          masterplanId: event.data.masterplanId,
          name: event.data.name,
          // The facilitating actor belongs to the group from the start.
          members: [event.data.facilitatorActorId],
        };
      case 'WorkingGroupMemberJoined':
        return { ...state, members: [...state.members, event.data.actorId] };
      case 'WorkingGroupMemberLeft':
        return { ...state, members: state.members.filter((m) => m !== event.data.actorId) };
    }
  },
};
