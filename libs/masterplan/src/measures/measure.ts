import {
  evolveCommitments,
  isCommitmentEvent,
  type CommitmentEvent,
  type Commitments,
} from '../commitments/commitment.js';
import type { Aggregate, DomainEvent } from '../shared/decider.js';

export const MEASURE_KINDS = ['lead_project', 'quick_win', 'standard'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** `delegated`: an existing network or institution takes the measure instead of a new body. */
export const ASSIGNMENT_ROLES = ['lead', 'partner', 'supporter', 'delegated'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export type MeasureDefined = DomainEvent<
  'MeasureDefined',
  {
    measureId: string;
    masterplanId: string;
    themeFieldId: string;
    title: string;
    description: string;
    kind: MeasureKind;
    sourceProposalId?: string;
  }
>;
export type MeasureAssigned = DomainEvent<
  'MeasureAssigned',
  { measureId: string; actorId: string; role: AssignmentRole }
>;
export type MeasureUnassigned = DomainEvent<
  'MeasureUnassigned',
  { measureId: string; actorId: string; role: AssignmentRole; reason: string }
>;
export type MeasureProgressReported = DomainEvent<
  'MeasureProgressReported',
  { measureId: string; percentComplete: number; note: string }
>;
export type MeasureCompleted = DomainEvent<'MeasureCompleted', { measureId: string; note: string }>;
export type MeasureCancelled = DomainEvent<
  'MeasureCancelled',
  { measureId: string; reason: string }
>;

export type MeasureEvent =
  | MeasureDefined
  | MeasureAssigned
  | MeasureUnassigned
  | MeasureProgressReported
  | MeasureCompleted
  | MeasureCancelled
  | CommitmentEvent;

export type MeasureStatus = 'open' | 'completed' | 'cancelled';

export interface MeasureState {
  exists: boolean;
  measureId: string;
  masterplanId: string;
  title: string;
  status: MeasureStatus;
  /** Current assignments: actor id → role. */
  assignments: Readonly<Record<string, AssignmentRole>>;
  percentComplete: number;
  commitments: Commitments;
}

export const measureAggregate: Aggregate<MeasureState, MeasureEvent> = {
  streamPrefix: 'measure-',
  initialState: {
    exists: false,
    measureId: '',
    masterplanId: '',
    title: '',
    status: 'open',
    assignments: {},
    percentComplete: 0,
    commitments: {},
  },
  evolve(state, event) {
    if (isCommitmentEvent(event))
      return { ...state, commitments: evolveCommitments(state.commitments, event) };
    switch (event.type) {
      case 'MeasureDefined':
        return {
          ...state,
          exists: true,
          measureId: event.data.measureId,
          masterplanId: event.data.masterplanId,
          title: event.data.title,
        };
      case 'MeasureAssigned':
        return {
          ...state,
          assignments: { ...state.assignments, [event.data.actorId]: event.data.role },
        };
      case 'MeasureUnassigned': {
        const { [event.data.actorId]: _removed, ...rest } = state.assignments;
        return { ...state, assignments: rest };
      }
      case 'MeasureProgressReported':
        return { ...state, percentComplete: event.data.percentComplete };
      case 'MeasureCompleted':
        return { ...state, status: 'completed', percentComplete: 100 };
      case 'MeasureCancelled':
        return { ...state, status: 'cancelled' };
    }
  },
};
