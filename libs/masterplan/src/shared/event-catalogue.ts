import type { ActorEvent } from '../actors/actor.js';
import type { JointDeclarationEvent } from '../declarations/joint-declaration.js';
import type { DialogueEvent } from '../dialogues/dialogue.js';
import type { MasterplanEvent } from '../masterplans/masterplan.js';
import type { MeasureEvent } from '../measures/measure.js';
import type { ProposalEvent } from '../proposals/proposal.js';
import type { WorkingGroupEvent } from '../working-groups/working-group.js';

/** Every event of the domain, as the current code reads it. */
export type MasterplanDomainEvent =
  | ActorEvent
  | MasterplanEvent
  | DialogueEvent
  | WorkingGroupEvent
  | ProposalEvent
  | MeasureEvent
  | JointDeclarationEvent;

export type MasterplanDomainEventType = MasterplanDomainEvent['type'];

/**
 * The schema version each event type is written with today. A type's version goes up when
 * the shape of its data changes; an upcaster then turns the older shape into the new one.
 */
export const SCHEMA_VERSIONS: Record<MasterplanDomainEventType, number> = {
  ActorRegistered: 1,
  RepresentativeAppointed: 1,
  RepresentativeRevoked: 1,
  MasterplanInitiated: 1,
  ThemeFieldDefined: 1,
  MilestoneScheduled: 1,
  MilestoneReached: 1,
  MasterplanPresented: 1,
  MasterplanAdopted: 1,
  DialogueScheduled: 1,
  DialogueHeld: 1,
  DialogueMinutesRecorded: 1,
  WorkingGroupFormed: 1,
  WorkingGroupMemberJoined: 1,
  WorkingGroupMemberLeft: 1,
  ProposalSubmitted: 2,
  ProposalRevised: 1,
  ProposalWithdrawn: 1,
  ProposalAccepted: 1,
  ProposalRejected: 1,
  MeasureDefined: 1,
  MeasureAssigned: 1,
  MeasureUnassigned: 1,
  MeasureProgressReported: 1,
  MeasureCompleted: 1,
  MeasureCancelled: 1,
  CommitmentDeclared: 1,
  CommitmentFulfilled: 1,
  CommitmentWithdrawn: 1,
  JointDeclarationDrafted: 1,
  JointDeclarationSigned: 1,
  JointDeclarationPublished: 1,
};

export const isDomainEventType = (type: string): type is MasterplanDomainEventType =>
  Object.prototype.hasOwnProperty.call(SCHEMA_VERSIONS, type);
