import {
  evolveCommitments,
  isCommitmentEvent,
  type CommitmentEvent,
  type Commitments,
} from '../commitments/commitment.js';
import type { Aggregate, DomainEvent } from '../shared/decider.js';

/** The political act a masterplan rests on: the motion filed and the resolution taken. */
export interface Motion {
  reference: string;
  title: string;
  filedBy: string;
  filedOn: string;
}
export interface Resolution {
  reference: string;
  body: string;
  decidedOn: string;
}

export type MasterplanInitiated = DomainEvent<
  'MasterplanInitiated',
  { masterplanId: string; title: string; region: string; motion: Motion; resolution: Resolution }
>;
export type ThemeFieldDefined = DomainEvent<
  'ThemeFieldDefined',
  { masterplanId: string; themeFieldId: string; name: string; description: string }
>;
export type MilestoneScheduled = DomainEvent<
  'MilestoneScheduled',
  { masterplanId: string; milestoneId: string; title: string; dueDate: string }
>;
export type MilestoneReached = DomainEvent<
  'MilestoneReached',
  { masterplanId: string; milestoneId: string; reachedOn: string }
>;
export type MasterplanPresented = DomainEvent<
  'MasterplanPresented',
  { masterplanId: string; presentedOn: string; dialogueId?: string }
>;
export type MasterplanAdopted = DomainEvent<
  'MasterplanAdopted',
  { masterplanId: string; adoptedOn: string; resolution: Resolution }
>;

export type MasterplanEvent =
  | MasterplanInitiated
  | ThemeFieldDefined
  | MilestoneScheduled
  | MilestoneReached
  | MasterplanPresented
  | MasterplanAdopted
  | CommitmentEvent;

export type MasterplanStatus = 'initiated' | 'presented' | 'adopted';

export interface MasterplanState {
  exists: boolean;
  masterplanId: string;
  title: string;
  status: MasterplanStatus;
  themeFields: Readonly<Record<string, { name: string }>>;
  milestones: Readonly<Record<string, { title: string; reached: boolean }>>;
  /** Commitments to the masterplan as a whole. */
  commitments: Commitments;
}

export const masterplanAggregate: Aggregate<MasterplanState, MasterplanEvent> = {
  streamPrefix: 'masterplan-',
  initialState: {
    exists: false,
    masterplanId: '',
    title: '',
    status: 'initiated',
    themeFields: {},
    milestones: {},
    commitments: {},
  },
  evolve(state, event) {
    if (isCommitmentEvent(event))
      return { ...state, commitments: evolveCommitments(state.commitments, event) };
    switch (event.type) {
      case 'MasterplanInitiated':
        return {
          ...state,
          exists: true,
          masterplanId: event.data.masterplanId,
          title: event.data.title,
        };
      case 'ThemeFieldDefined':
        return {
          ...state,
          themeFields: {
            ...state.themeFields,
            [event.data.themeFieldId]: { name: event.data.name },
          },
        };
      case 'MilestoneScheduled':
        return {
          ...state,
          milestones: {
            ...state.milestones,
            [event.data.milestoneId]: { title: event.data.title, reached: false },
          },
        };
      case 'MilestoneReached':
        return {
          ...state,
          milestones: {
            ...state.milestones,
            [event.data.milestoneId]: {
              ...state.milestones[event.data.milestoneId]!,
              reached: true,
            },
          },
        };
      case 'MasterplanPresented':
        return { ...state, status: 'presented' };
      case 'MasterplanAdopted':
        return { ...state, status: 'adopted' };
    }
  },
};
