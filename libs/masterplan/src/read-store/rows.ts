/** Rows of the audit trail's table, as SQLite returns them (each feature's rows live with its projection). */

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
