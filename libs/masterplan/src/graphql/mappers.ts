import { actorAggregate } from '../actors/actor.js';
import { jointDeclarationAggregate } from '../declarations/joint-declaration.js';
import { dialogueAggregate } from '../dialogues/dialogue.js';
import { masterplanAggregate } from '../masterplans/masterplan.js';
import { measureAggregate } from '../measures/measure.js';
import { proposalAggregate } from '../proposals/proposal.js';
import type { ReadView } from '../read-store/read-view.js';
import { workingGroupAggregate } from '../working-groups/working-group.js';
import type {
  ActorRow,
  AssignmentRow,
  AuditRow,
  CommitmentRow,
  DeclarationRow,
  DialogueRow,
  MasterplanRow,
  MeasureRow,
  ProposalRow,
  SignatureRow,
  ThemeFieldRow,
  WorkingGroupRow,
} from '../read-store/rows.js';
import {
  Actor,
  Assignment,
  AuditEntry,
  Commitment,
  Dialogue,
  JointDeclaration,
  Masterplan,
  Measure,
  Proposal,
  Signature,
  ThemeField,
  WorkingGroup,
} from './models.js';

/** Read-model rows as GraphQL objects, each remembering the view it came from. */

const date = (iso: string) => new Date(iso);

export const toMasterplan = (r: MasterplanRow, view: ReadView): Masterplan =>
  Object.assign(new Masterplan(), {
    view: view.spend(r),
    id: r.masterplan_id,
    title: r.title,
    region: r.region,
    status: r.status,
    motion: JSON.parse(r.motion),
    resolution: JSON.parse(r.resolution),
    adoption: r.adoption ? JSON.parse(r.adoption) : null,
    initiatedAt: date(r.initiated_at),
    presentedOn: r.presented_on,
    adoptedOn: r.adopted_on,
    asOfPosition: view.asOf ?? null,
    streamId: masterplanAggregate.streamPrefix + r.masterplan_id,
  });

export const toThemeField = (r: ThemeFieldRow, view: ReadView): ThemeField =>
  Object.assign(new ThemeField(), {
    view: view.spend(r),
    id: r.theme_field_id,
    masterplanId: r.masterplan_id,
    name: r.name,
    description: r.description,
  });

export const toActor = (r: ActorRow, view: ReadView): Actor =>
  Object.assign(new Actor(), {
    view: view.spend(r),
    id: r.actor_id,
    name: r.name,
    shortName: r.short_name,
    kind: r.kind,
    registeredAt: date(r.registered_at),
    streamId: actorAggregate.streamPrefix + r.actor_id,
  });

export const toMeasure = (r: MeasureRow, view: ReadView): Measure =>
  Object.assign(new Measure(), {
    view: view.spend(r),
    id: r.measure_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    sourceProposalId: r.source_proposal_id,
    title: r.title,
    description: r.description,
    kind: r.kind,
    status: r.status,
    closingNote: r.closing_note,
    definedAt: date(r.defined_at),
    asOfPosition: view.asOf ?? null,
    streamId: measureAggregate.streamPrefix + r.measure_id,
  });

export const toAssignment = (r: AssignmentRow, view: ReadView): Assignment =>
  Object.assign(new Assignment(), {
    view: view.spend(r),
    actorId: r.actor_id,
    measureId: r.measure_id,
    role: r.role,
    assignedAt: date(r.assigned_at),
  });

export const toCommitment = (r: CommitmentRow, view: ReadView): Commitment =>
  Object.assign(new Commitment(), {
    view: view.spend(r),
    id: r.commitment_id,
    actorId: r.actor_id,
    masterplanId: r.masterplan_id,
    measureId: r.measure_id,
    statement: r.statement,
    resources: r.resources,
    dueDate: r.due_date,
    status: r.status,
    declaredAt: date(r.declared_at),
    declaredBy: r.declared_by,
    endedAt: r.ended_at ? date(r.ended_at) : null,
    endNote: r.end_note,
  });

export const toProposal = (r: ProposalRow, view: ReadView): Proposal =>
  Object.assign(new Proposal(), {
    view: view.spend(r),
    id: r.proposal_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    actorId: r.actor_id,
    workingGroupId: r.working_group_id,
    measureId: r.measure_id,
    title: r.title,
    description: r.description,
    status: r.status,
    reason: r.reason,
    submittedAt: date(r.submitted_at),
    streamId: proposalAggregate.streamPrefix + r.proposal_id,
  });

export const toWorkingGroup = (r: WorkingGroupRow, view: ReadView): WorkingGroup =>
  Object.assign(new WorkingGroup(), {
    view: view.spend(r),
    id: r.working_group_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    facilitatorActorId: r.facilitator_actor_id,
    name: r.name,
    formedAt: date(r.formed_at),
    streamId: workingGroupAggregate.streamPrefix + r.working_group_id,
  });

export const toDialogue = (r: DialogueRow, view: ReadView): Dialogue =>
  Object.assign(new Dialogue(), {
    view: view.spend(r),
    id: r.dialogue_id,
    participantIds: r.participants ? (JSON.parse(r.participants) as string[]) : [],
    title: r.title,
    scheduledFor: r.scheduled_for,
    venue: r.venue,
    heldOn: r.held_on,
    minutes: r.minutes,
    streamId: dialogueAggregate.streamPrefix + r.dialogue_id,
  });

export const toJointDeclaration = (r: DeclarationRow, view: ReadView): JointDeclaration =>
  Object.assign(new JointDeclaration(), {
    view: view.spend(r),
    id: r.declaration_id,
    text: r.text,
    roadmap: JSON.parse(r.roadmap),
    publishedOn: r.published_on,
    streamId: jointDeclarationAggregate.streamPrefix + r.declaration_id,
  });

export const toSignature = (r: SignatureRow, view: ReadView): Signature =>
  Object.assign(new Signature(), {
    view: view.spend(r),
    actorId: r.actor_id,
    signedOn: r.signed_on,
    signedBy: r.signed_by,
  });

export const toAuditEntry = (r: AuditRow, view: ReadView): AuditEntry =>
  Object.assign(new AuditEntry(), {
    view: view.spend(r),
    position: r.position,
    eventId: r.event_id,
    eventType: r.event_type,
    occurredAt: date(r.occurred_at),
    recordedAt: date(r.recorded_at),
    entityType: r.entity_type,
    entityId: r.entity_id,
    masterplanId: r.masterplan_id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    roles: JSON.parse(r.roles) as string[],
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    data: JSON.parse(r.data),
    summary: r.summary,
    streamId: r.stream_id,
    version: r.revision,
  });
