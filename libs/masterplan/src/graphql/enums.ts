import { registerEnumType } from '@nestjs/graphql';

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
