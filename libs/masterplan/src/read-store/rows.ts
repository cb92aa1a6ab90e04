/** Rows of the read-model tables, as SQLite returns them. */

export interface ActorRow {
  actor_id: string;
  name: string;
  short_name: string | null;
  kind: string;
  registered_at: string;
}
export interface RepresentativeRow {
  actor_id: string;
  user_id: string;
  name: string;
  appointed_at: string;
}
export interface MasterplanRow {
  masterplan_id: string;
  title: string;
  region: string;
  motion: string;
  resolution: string;
  status: string;
  initiated_at: string;
  presented_on: string | null;
  presented_at_dialogue: string | null;
  adopted_on: string | null;
  adoption: string | null;
}
export interface ThemeFieldRow {
  masterplan_id: string;
  theme_field_id: string;
  name: string;
  description: string;
  defined_at: string;
}
export interface MilestoneRow {
  masterplan_id: string;
  milestone_id: string;
  title: string;
  due_date: string;
  reached_on: string | null;
}
export interface MeasureRow {
  measure_id: string;
  masterplan_id: string;
  theme_field_id: string;
  title: string;
  description: string;
  kind: string;
  status: string;
  closing_note: string | null;
  source_proposal_id: string | null;
  defined_at: string;
}
export interface MeasureProgressRow {
  measure_id: string;
  percent_complete: number;
  last_report: string | null;
}
export interface AssignmentRow {
  measure_id: string;
  actor_id: string;
  role: string;
  assigned_at: string;
}
export interface CommitmentRow {
  commitment_id: string;
  masterplan_id: string;
  measure_id: string | null;
  actor_id: string;
  statement: string;
  resources: string | null;
  due_date: string | null;
  status: string;
  declared_at: string;
  declared_by: string;
  ended_at: string | null;
  end_note: string | null;
  stream_id: string;
  position: string;
}
export interface ProposalRow {
  proposal_id: string;
  masterplan_id: string;
  theme_field_id: string;
  actor_id: string;
  working_group_id: string | null;
  title: string;
  description: string;
  status: string;
  measure_id: string | null;
  reason: string | null;
  submitted_at: string;
}
export interface WorkingGroupRow {
  working_group_id: string;
  masterplan_id: string;
  theme_field_id: string;
  name: string;
  facilitator_actor_id: string;
  formed_at: string;
}
export interface MemberRow {
  working_group_id: string;
  actor_id: string;
  joined_at: string;
}
export interface DialogueRow {
  dialogue_id: string;
  masterplan_id: string;
  title: string;
  scheduled_for: string;
  venue: string;
  held_on: string | null;
  participants: string | null;
  minutes: string | null;
}
export interface DeclarationRow {
  declaration_id: string;
  masterplan_id: string;
  text: string;
  roadmap: string;
  published_on: string | null;
}
export interface SignatureRow {
  declaration_id: string;
  actor_id: string;
  signed_on: string;
  signed_by: string;
}
export interface AuditRow {
  position: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  revision: number;
  entity_type: string;
  entity_id: string;
  masterplan_id: string | null;
  user_id: string | null;
  organisation_id: string | null;
  roles: string;
  correlation_id: string | null;
  causation_id: string | null;
  occurred_at: string;
  occurred_high: string;
  recorded_at: string;
  data: string;
  summary: string;
}
