import type { DomainEvent } from '../shared/decider.js';

/**
 * A public commitment of an actor, to one measure or to the masterplan as a whole. It lives
 * in the stream of what it is made to, so "one active commitment per actor and measure" is
 * decided in one place with one revision check.
 */
export type CommitmentDeclared = DomainEvent<
  'CommitmentDeclared',
  {
    commitmentId: string;
    actorId: string;
    masterplanId: string;
    /** Absent when the commitment is to the masterplan as a whole. */
    measureId?: string;
    statement: string;
    resources?: string;
    dueDate?: string;
  }
>;
export type CommitmentFulfilled = DomainEvent<
  'CommitmentFulfilled',
  { commitmentId: string; actorId: string; note: string }
>;
export type CommitmentWithdrawn = DomainEvent<
  'CommitmentWithdrawn',
  { commitmentId: string; actorId: string; reason: string }
>;
export type CommitmentEvent = CommitmentDeclared | CommitmentFulfilled | CommitmentWithdrawn;

export type CommitmentStatus = 'active' | 'fulfilled' | 'withdrawn';

export interface Commitment {
  commitmentId: string;
  actorId: string;
  status: CommitmentStatus;
}

export type Commitments = Readonly<Record<string, Commitment>>;

export function evolveCommitments(commitments: Commitments, event: CommitmentEvent): Commitments {
  switch (event.type) {
    case 'CommitmentDeclared':
      return {
        ...commitments,
        [event.data.commitmentId]: {
          commitmentId: event.data.commitmentId,
          actorId: event.data.actorId,
          status: 'active',
        },
      };
    case 'CommitmentFulfilled':
      return {
        ...commitments,
        [event.data.commitmentId]: {
          ...commitments[event.data.commitmentId]!,
          status: 'fulfilled',
        },
      };
    case 'CommitmentWithdrawn':
      return {
        ...commitments,
        [event.data.commitmentId]: {
          ...commitments[event.data.commitmentId]!,
          status: 'withdrawn',
        },
      };
  }
}

export const isCommitmentEvent = (event: DomainEvent): event is CommitmentEvent =>
  event.type === 'CommitmentDeclared' ||
  event.type === 'CommitmentFulfilled' ||
  event.type === 'CommitmentWithdrawn';
