import { registerEnumType } from '@nestjs/graphql';
import { SCHEMA_VERSIONS, type MasterplanDomainEventType } from '../shared/event-catalogue.js';

/** GraphQL enums whose values are the domain's own strings. */

export enum ActorKindValue {
  ADMINISTRATION = 'administration',
  CHAMBER = 'chamber',
  UNION = 'union',
  AGENCY = 'agency',
  MINISTRY = 'ministry',
  COMPANY = 'company',
  UNIVERSITY = 'university',
  NETWORK = 'network',
}
registerEnumType(ActorKindValue, {
  name: 'ActorKind',
  description: 'What kind of organisation an actor is.',
});

export enum MeasureKindValue {
  LEAD_PROJECT = 'lead_project',
  QUICK_WIN = 'quick_win',
  STANDARD = 'standard',
}
registerEnumType(MeasureKindValue, {
  name: 'MeasureKind',
  description: 'How a measure is classified.',
  valuesMap: {
    LEAD_PROJECT: {
      description: 'A regional lead project: long-term, inside existing structures (Leitprojekt).',
    },
    QUICK_WIN: { description: 'A short-term project with visible results soon.' },
    STANDARD: { description: 'Neither of the two.' },
  },
});

export enum AssignmentRoleValue {
  LEAD = 'lead',
  PARTNER = 'partner',
  SUPPORTER = 'supporter',
  DELEGATED = 'delegated',
}
registerEnumType(AssignmentRoleValue, {
  name: 'AssignmentRole',
  description: 'The part an actor plays in a measure.',
  valuesMap: {
    LEAD: { description: 'Responsible for the measure; at most one at a time.' },
    PARTNER: { description: 'Carries the measure together with the lead.' },
    SUPPORTER: { description: 'Helps with advice, contacts or resources.' },
    DELEGATED: {
      description:
        'An existing network or institution the measure is delegated to, instead of founding a new body.',
    },
  },
});

export enum MeasureStatusValue {
  OPEN = 'open',
  COMPLETED = 'completed',
  CANCELLED = 'cancelled',
}
registerEnumType(MeasureStatusValue, {
  name: 'MeasureStatus',
  description: 'Whether a measure is still being carried out.',
});

export enum CommitmentStatusValue {
  ACTIVE = 'active',
  FULFILLED = 'fulfilled',
  WITHDRAWN = 'withdrawn',
}
registerEnumType(CommitmentStatusValue, {
  name: 'CommitmentStatus',
  description: 'Where a commitment stands. Withdrawn and fulfilled commitments stay in history.',
});

export enum ProposalStatusValue {
  SUBMITTED = 'submitted',
  WITHDRAWN = 'withdrawn',
  ACCEPTED = 'accepted',
  REJECTED = 'rejected',
}
registerEnumType(ProposalStatusValue, {
  name: 'ProposalStatus',
  description: 'Where a proposal stands.',
});

export enum MasterplanStatusValue {
  INITIATED = 'initiated',
  PRESENTED = 'presented',
  ADOPTED = 'adopted',
}
registerEnumType(MasterplanStatusValue, {
  name: 'MasterplanStatus',
  description: 'How far the masterplan has come.',
});

/** What each event type records, for the schema's readers. */
const EVENT_TYPE_DESCRIPTIONS: Record<MasterplanDomainEventType, string> = {
  ActorRegistered: 'An administrator registered an organisation as an actor.',
  RepresentativeAppointed: 'An administrator appointed a user as representative of an actor.',
  RepresentativeRevoked: 'An administrator revoked a representative, with a reason.',
  MasterplanInitiated: 'A masterplan was initiated, citing its motion and resolution.',
  ThemeFieldDefined: 'A theme field was added to a masterplan.',
  MilestoneScheduled: 'A milestone was added to the roadmap.',
  MilestoneReached: 'A milestone was marked as reached.',
  MasterplanPresented: 'The masterplan was presented to politics and the public.',
  MasterplanAdopted: 'The adoption of the masterplan by a resolution was recorded.',
  DialogueScheduled: 'An industry dialogue was scheduled.',
  DialogueHeld: 'An industry dialogue was held, with its participants.',
  DialogueMinutesRecorded: 'The minutes of a dialogue were recorded.',
  WorkingGroupFormed: 'A working group was formed for a theme field.',
  WorkingGroupMemberJoined: 'An actor joined a working group.',
  WorkingGroupMemberLeft: 'An actor left a working group.',
  ProposalSubmitted: 'An actor (or a working group through it) submitted a proposal.',
  ProposalRevised: 'A proposal was revised.',
  ProposalWithdrawn: 'A proposal was withdrawn by its actor.',
  ProposalAccepted: 'A proposal was accepted, naming the measure it becomes.',
  ProposalRejected: 'A proposal was rejected, with a reason.',
  MeasureDefined: 'A measure was defined (directly, or from an accepted proposal).',
  MeasureAssigned: 'An actor was assigned to a measure in a role, or the measure was delegated.',
  MeasureUnassigned: 'An actor was unassigned from a measure, with a reason.',
  MeasureProgressReported: 'Progress of a measure was reported.',
  MeasureCompleted: 'A measure was completed.',
  MeasureCancelled: 'A measure was cancelled, with a reason.',
  CommitmentDeclared: 'An actor publicly committed to a measure or to the masterplan.',
  CommitmentFulfilled: 'A commitment was reported or confirmed as fulfilled.',
  CommitmentWithdrawn: 'An actor withdrew its commitment, with a reason.',
  JointDeclarationDrafted: 'The joint declaration was drafted with its roadmap.',
  JointDeclarationSigned: 'An actor signed the joint declaration.',
  JointDeclarationPublished: 'The joint declaration was published.',
};

/** Every event type of the domain, with the names the events carry. */
export const EventTypeValue = Object.fromEntries(
  Object.keys(SCHEMA_VERSIONS).map((type) => [type, type]),
) as { [T in MasterplanDomainEventType]: T };
registerEnumType(EventTypeValue, {
  name: 'EventType',
  description: 'The kinds of event the log records; every audit entry is one of them.',
  valuesMap: Object.fromEntries(
    Object.entries(EVENT_TYPE_DESCRIPTIONS).map(([type, description]) => [type, { description }]),
  ),
});

export enum FollowerStateValue {
  RUNNING = 'running',
  RETRYING = 'retrying',
  FAILED = 'failed',
  STOPPED = 'stopped',
  OFF = 'off',
}
registerEnumType(FollowerStateValue, {
  name: 'ProjectionState',
  description: 'Where a read model (or the reactions) stands with the log.',
  valuesMap: {
    RUNNING: { description: 'Catching up or live.' },
    RETRYING: {
      description:
        'The event store cannot be read (retrying with growing pauses), or what was applied cannot be stored because the disk is full (retrying every second); it resumes from its checkpoint.',
    },
    FAILED: {
      description:
        'Stopped on an event it cannot apply; queries show the state before it. The server is not ready (/health/ready answers 503).',
    },
    STOPPED: { description: 'Shut down with the server.' },
    OFF: { description: 'Not run on this instance (e.g. MASTERPLAN_REACTIONS=off).' },
  },
});
