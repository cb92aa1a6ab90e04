import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';

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
