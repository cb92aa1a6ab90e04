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

/** The kinds of entity whose ids the write side keeps unique across the whole store. */
export const ID_KINDS = [
  'actor',
  'masterplan',
  'theme_field',
  'proposal',
  'measure',
  'commitment',
  'working_group',
  'dialogue',
  'joint_declaration',
] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** An entity id an event brings into being. */
export interface IdClaim {
  kind: IdKind;
  id: string;
  /**
   * Who, besides the command that reserved the id, may create the entity: the measure an
   * accepted proposal becomes is reserved at acceptance and defined later by a reaction.
   */
  holder?: string;
}

/** The entity ids an event creates; every event type is listed, so a new one cannot be forgotten. */
export function idsCreatedBy(event: MasterplanDomainEvent): IdClaim[] {
  switch (event.type) {
    case 'ActorRegistered':
      return [{ kind: 'actor', id: event.data.actorId }];
    case 'MasterplanInitiated':
      return [{ kind: 'masterplan', id: event.data.masterplanId }];
    case 'ThemeFieldDefined':
      return [{ kind: 'theme_field', id: event.data.themeFieldId }];
    case 'ProposalSubmitted':
      return [{ kind: 'proposal', id: event.data.proposalId }];
    case 'ProposalAccepted':
      return [
        { kind: 'measure', id: event.data.measureId, holder: `proposal:${event.data.proposalId}` },
      ];
    case 'MeasureDefined':
      return [
        {
          kind: 'measure',
          id: event.data.measureId,
          ...(event.data.sourceProposalId
            ? { holder: `proposal:${event.data.sourceProposalId}` }
            : {}),
        },
      ];
    case 'CommitmentDeclared':
      return [{ kind: 'commitment', id: event.data.commitmentId }];
    case 'WorkingGroupFormed':
      return [{ kind: 'working_group', id: event.data.workingGroupId }];
    case 'DialogueScheduled':
      return [{ kind: 'dialogue', id: event.data.dialogueId }];
    case 'JointDeclarationDrafted':
      return [{ kind: 'joint_declaration', id: event.data.declarationId }];
    case 'RepresentativeAppointed':
    case 'RepresentativeRevoked':
    case 'MilestoneScheduled':
    case 'MilestoneReached':
    case 'MasterplanPresented':
    case 'MasterplanAdopted':
    case 'DialogueHeld':
    case 'DialogueMinutesRecorded':
    case 'WorkingGroupMemberJoined':
    case 'WorkingGroupMemberLeft':
    case 'ProposalRevised':
    case 'ProposalWithdrawn':
    case 'ProposalRejected':
    case 'MeasureAssigned':
    case 'MeasureUnassigned':
    case 'MeasureProgressReported':
    case 'MeasureCompleted':
    case 'MeasureCancelled':
    case 'CommitmentFulfilled':
    case 'CommitmentWithdrawn':
    case 'JointDeclarationSigned':
    case 'JointDeclarationPublished':
      return [];
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`Unknown event type '${(event as { type: string }).type}'`);
}
