import type { Position } from '@ml/event-store';
import { prepareReadModels, project } from '../projections/projections.js';
import { ReadStore } from '../read-store/read-store.js';
import type { AuditRow } from './audit.projection.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { withSummaries } from './summary.js';

describe('the audit read model', () => {
  let store: ReadStore;
  let revision = 0;
  const stored = (type: string, data: object, position: number): StoredEvent =>
    ({
      type,
      data,
      id: `e-${position}`,
      streamId: 'proposal-p-1',
      revision: revision++,
      position: String(position).padStart(16, '0') as Position,
      recordedAt: new Date('2013-07-01T10:00:00Z'),
      metadata: { occurredAt: '2013-07-01T10:00:00.000Z', actor: { userId: 'u', roles: [] } },
    }) as StoredEvent;
  const summaryAt = (position: number) =>
    withSummaries(
      [
        store.get<AuditRow>(
          'SELECT * FROM audit_entries WHERE position = ?',
          String(position).padStart(16, '0'),
        )!,
      ],
      store,
    )[0]!.summary;

  beforeEach(() => {
    store = ReadStore.scratch();
    prepareReadModels(store);
    revision = 0;
  });
  afterEach(() => store.close());

  it('quotes a proposal by the title it has when the event happens, also after a revision', () => {
    const proposal = { proposalId: 'p-1', masterplanId: 'mp', themeFieldId: 'tf', actorId: 'ihk' };
    project(store, stored('ProposalSubmitted', { ...proposal, title: 'Old', description: 'd' }, 1));
    project(store, stored('ProposalWithdrawn', { proposalId: 'p-1', reason: 'first' }, 2));
    expect(summaryAt(2)).toContain("proposal 'Old'");
    project(
      store,
      stored('ProposalRevised', { proposalId: 'p-1', title: 'New', description: 'd' }, 3),
    );
    project(store, stored('ProposalRejected', { proposalId: 'p-1', reason: 'no' }, 4));
    expect(summaryAt(4)).toContain("proposal 'New'");
  });
});
