import { occurredAt, type Projection } from '../projections/projection.js';

export const commitmentsProjection: Projection = {
  name: 'commitments',
  schema: `
    CREATE TABLE IF NOT EXISTS commitments (
      commitment_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, measure_id TEXT, actor_id TEXT NOT NULL,
      statement TEXT NOT NULL, resources TEXT, due_date TEXT, status TEXT NOT NULL,
      declared_at TEXT NOT NULL, declared_by TEXT NOT NULL, ended_at TEXT, end_note TEXT,
      stream_id TEXT NOT NULL, position TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS commitments_by_measure ON commitments (measure_id);
    CREATE INDEX IF NOT EXISTS commitments_by_masterplan ON commitments (masterplan_id, measure_id);
    CREATE INDEX IF NOT EXISTS commitments_by_actor ON commitments (actor_id);
  `,
  apply(event, store) {
    switch (event.type) {
      case 'CommitmentDeclared': {
        const d = event.data;
        store.run(
          `INSERT INTO commitments (commitment_id, masterplan_id, measure_id, actor_id, statement, resources, due_date, status,
             declared_at, declared_by, stream_id, position) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
          d.commitmentId,
          d.masterplanId,
          d.measureId ?? null,
          d.actorId,
          d.statement,
          d.resources ?? null,
          d.dueDate ?? null,
          occurredAt(event),
          event.metadata.actor?.userId ?? 'unknown',
          event.streamId,
          event.position,
        );
        return;
      }
      case 'CommitmentFulfilled':
      case 'CommitmentWithdrawn':
        store.run(
          'UPDATE commitments SET status = ?, ended_at = ?, end_note = ?, position = ? WHERE commitment_id = ?',
          event.type === 'CommitmentFulfilled' ? 'fulfilled' : 'withdrawn',
          occurredAt(event),
          event.type === 'CommitmentFulfilled' ? event.data.note : event.data.reason,
          event.position,
          event.data.commitmentId,
        );
    }
  },
};
