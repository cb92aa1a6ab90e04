import { occurredAt, projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
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

export const proposalsProjection = projection({
  name: 'proposals',
  version: 1,
  canHandle: [
    'ProposalSubmitted',
    'ProposalRevised',
    'ProposalWithdrawn',
    'ProposalRejected',
    'ProposalAccepted',
  ],
  schema: `
    CREATE TABLE IF NOT EXISTS proposals (
      proposal_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, theme_field_id TEXT NOT NULL,
      actor_id TEXT NOT NULL, working_group_id TEXT, title TEXT NOT NULL, description TEXT NOT NULL,
      status TEXT NOT NULL, measure_id TEXT, reason TEXT, submitted_at TEXT NOT NULL,
      ${VALIDITY}, PRIMARY KEY (proposal_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS proposals_by_masterplan ON proposals (masterplan_id, valid_to);
  `,
  apply(event, store) {
    const key = { proposal_id: event.streamId.slice('proposal-'.length) };
    const at = event.position;
    switch (event.type) {
      case 'ProposalSubmitted': {
        const d = event.data;
        insertRow(
          store,
          'proposals',
          {
            proposal_id: d.proposalId,
            masterplan_id: d.masterplanId,
            theme_field_id: d.themeFieldId,
            actor_id: d.actorId,
            working_group_id: d.workingGroupId ?? null,
            title: d.title,
            description: d.description,
            status: 'submitted',
            submitted_at: occurredAt(event),
          },
          at,
        );
        return;
      }
      case 'ProposalRevised':
        changeRow(
          store,
          'proposals',
          key,
          { title: event.data.title, description: event.data.description },
          at,
        );
        return;
      case 'ProposalWithdrawn':
      case 'ProposalRejected':
        changeRow(
          store,
          'proposals',
          key,
          {
            status: event.type === 'ProposalWithdrawn' ? 'withdrawn' : 'rejected',
            reason: event.data.reason,
          },
          at,
        );
        return;
      case 'ProposalAccepted':
        changeRow(
          store,
          'proposals',
          key,
          { status: 'accepted', measure_id: event.data.measureId },
          at,
        );
    }
  },
});

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const proposals = versionedTable<ProposalRow>('proposals');
export const proposalById = proposals.rowBy('proposal_id');
export const proposalsOfMasterplan = proposals.rowsBy('masterplan_id', 'submitted_at, proposal_id');
