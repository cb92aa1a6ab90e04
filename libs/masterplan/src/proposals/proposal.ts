import type { MeasureKind } from '../measures/measure.js';
import type { Aggregate, DomainEvent } from '../shared/decider.js';

export type ProposalSubmitted = DomainEvent<
  'ProposalSubmitted',
  {
    proposalId: string;
    masterplanId: string;
    themeFieldId: string;
    /** The actor submitting; a representative of it acted. */
    actorId: string;
    /** Set when the actor submits for a working group it belongs to. */
    workingGroupId?: string;
    title: string;
    description: string;
  }
>;
export type ProposalRevised = DomainEvent<
  'ProposalRevised',
  { proposalId: string; title: string; description: string }
>;
export type ProposalWithdrawn = DomainEvent<
  'ProposalWithdrawn',
  { proposalId: string; reason: string }
>;
export type ProposalAccepted = DomainEvent<
  'ProposalAccepted',
  {
    proposalId: string;
    masterplanId: string;
    themeFieldId: string;
    /** The measure the proposal becomes; defined by a reaction to this event. */
    measureId: string;
    measureKind: MeasureKind;
    title: string;
    description: string;
  }
>;
export type ProposalRejected = DomainEvent<
  'ProposalRejected',
  { proposalId: string; reason: string }
>;

export type ProposalEvent =
  ProposalSubmitted | ProposalRevised | ProposalWithdrawn | ProposalAccepted | ProposalRejected;

export type ProposalStatus = 'submitted' | 'withdrawn' | 'accepted' | 'rejected';

export interface ProposalState {
  exists: boolean;
  proposalId: string;
  masterplanId: string;
  themeFieldId: string;
  actorId: string;
  title: string;
  description: string;
  status: ProposalStatus;
  measureId?: string;
}

export const proposalAggregate: Aggregate<ProposalState, ProposalEvent> = {
  streamPrefix: 'proposal-',
  initialState: {
    exists: false,
    proposalId: '',
    masterplanId: '',
    themeFieldId: '',
    actorId: '',
    title: '',
    description: '',
    status: 'submitted',
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ProposalSubmitted':
        return { ...state, ...event.data, exists: true, status: 'submitted' };
      case 'ProposalRevised':
        return { ...state, title: event.data.title, description: event.data.description };
      case 'ProposalWithdrawn':
        return { ...state, status: 'withdrawn' };
      case 'ProposalAccepted':
        return { ...state, status: 'accepted', measureId: event.data.measureId };
      case 'ProposalRejected':
        return { ...state, status: 'rejected' };
    }
  },
};
