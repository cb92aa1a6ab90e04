import { occurredAt, type Projection } from '../projections/projection.js';

export const proposalsProjection: Projection = {
  name: 'proposals',
  schema: `
    CREATE TABLE IF NOT EXISTS proposals (
      proposal_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      actor_id TEXT NOT NULL, working_group_id TEXT, title TEXT NOT NULL, description TEXT NOT NULL,
      status TEXT NOT NULL, measure_id TEXT, reason TEXT, submitted_at TEXT NOT NULL,
      version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS proposals_by_masterplan ON proposals (masterplan_id, theme_field_id);
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('proposal-')) return;
    const proposalId = event.streamId.slice('proposal-'.length);
    switch (event.type) {
      case 'ProposalSubmitted': {
        const d = event.data;
        store.run(
          `INSERT INTO proposals (proposal_id, masterplan_id, theme_field_id, actor_id, working_group_id, title, description,
             status, submitted_at, version, position) VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?)`,
          d.proposalId,
          d.masterplanId,
          d.themeFieldId,
          d.actorId,
          d.workingGroupId ?? null,
          d.title,
          d.description,
          occurredAt(event),
          event.revision,
          event.position,
        );
        return;
      }
      case 'ProposalRevised':
        store.run(
          'UPDATE proposals SET title = ?, description = ? WHERE proposal_id = ?',
          event.data.title,
          event.data.description,
          proposalId,
        );
        break;
      case 'ProposalWithdrawn':
      case 'ProposalRejected':
        store.run(
          'UPDATE proposals SET status = ?, reason = ? WHERE proposal_id = ?',
          event.type === 'ProposalWithdrawn' ? 'withdrawn' : 'rejected',
          event.data.reason,
          proposalId,
        );
        break;
      case 'ProposalAccepted':
        store.run(
          "UPDATE proposals SET status = 'accepted', measure_id = ? WHERE proposal_id = ?",
          event.data.measureId,
          proposalId,
        );
        break;
    }
    store.run(
      'UPDATE proposals SET version = ?, position = ? WHERE proposal_id = ?',
      event.revision,
      event.position,
      proposalId,
    );
  },
};
