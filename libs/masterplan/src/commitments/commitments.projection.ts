import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow, validAt } from '../read-store/temporal.js';
import type { ListQuery } from '../graphql/paging.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
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

export const commitmentsProjection = projection({
  name: 'commitments',
  version: 1,
  canHandle: ['CommitmentDeclared', 'CommitmentFulfilled', 'CommitmentWithdrawn'],
  schema: `
    CREATE TABLE IF NOT EXISTS commitments (
      commitment_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, measure_id TEXT, actor_id TEXT NOT NULL,
      statement TEXT NOT NULL, resources TEXT, due_date TEXT, status TEXT NOT NULL,
      declared_at TEXT NOT NULL, declared_by TEXT NOT NULL, ended_at TEXT, end_note TEXT,
      stream_id TEXT NOT NULL, position TEXT NOT NULL, ${VALIDITY}, PRIMARY KEY (commitment_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS commitments_by_measure ON commitments (measure_id, valid_to);
    CREATE INDEX IF NOT EXISTS commitments_by_masterplan ON commitments (masterplan_id, valid_to, valid_from);
    CREATE INDEX IF NOT EXISTS commitments_by_actor ON commitments (actor_id, valid_to);
  `,
  apply(event, store) {
    switch (event.type) {
      case 'CommitmentDeclared': {
        const d = event.data;
        insertRow(
          store,
          'commitments',
          {
            commitment_id: d.commitmentId,
            masterplan_id: d.masterplanId,
            measure_id: d.measureId ?? null,
            actor_id: d.actorId,
            statement: d.statement,
            resources: d.resources ?? null,
            due_date: d.dueDate ?? null,
            status: 'active',
            declared_at: occurredAt(event),
            declared_by: event.metadata.actor?.userId ?? 'unknown',
            stream_id: event.streamId,
            // Where it was declared: commitments are listed, and paged, in that order.
            position: event.position,
          },
          event.position,
        );
        return;
      }
      case 'CommitmentFulfilled':
      case 'CommitmentWithdrawn':
        changeRow(
          store,
          'commitments',
          { commitment_id: event.data.commitmentId },
          {
            status: event.type === 'CommitmentFulfilled' ? 'fulfilled' : 'withdrawn',
            ended_at: occurredAt(event),
            end_note: event.type === 'CommitmentFulfilled' ? event.data.note : event.data.reason,
          },
          event.position,
        );
    }
  },
});

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const commitments = versionedTable<CommitmentRow>('commitments');
export const commitmentById = commitments.rowBy('commitment_id');
export const commitmentsOfMasterplan = commitments.rowsBy('masterplan_id', 'position');
export const commitmentsOfMeasure = commitments.rowsBy('measure_id', 'position');
export const commitmentsOfActor = commitments.rowsBy('actor_id', 'position');

/** What a list of commitments is narrowed by; every criterion given must hold. */
export interface CommitmentCriteria {
  actorId?: string | null;
  measureId?: string | null;
  masterplanId?: string | null;
  status?: string | null;
  /** Only commitments to the masterplan as a whole (true) or only to measures (false). */
  wholeMasterplan?: boolean | null;
  /** Only active commitments due before this ISO date. */
  overdueOn?: string | null;
}

/** The commitments matching `criteria` as of a view, in the order they were declared. */
export function commitmentList(criteria: CommitmentCriteria): ListQuery {
  const where: string[] = [validAt()];
  const params: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    if (value != null) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  };
  equal('actor_id', criteria.actorId);
  equal('measure_id', criteria.measureId);
  equal('masterplan_id', criteria.masterplanId);
  equal('status', criteria.status);
  if (criteria.wholeMasterplan != null)
    where.push(criteria.wholeMasterplan ? 'measure_id IS NULL' : 'measure_id IS NOT NULL');
  if (criteria.overdueOn != null) {
    where.push("status = 'active' AND due_date < ?");
    params.push(criteria.overdueOn);
  }
  return { select: '*', from: 'commitments', where, params, position: 'position' };
}
