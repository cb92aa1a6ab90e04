import { diffSnapshots, type Snapshot } from './diff.js';

const measure = (id: string, fields: Record<string, unknown>): Snapshot => ({
  entityType: 'measure',
  entityId: id,
  fields,
});
const assignment = (id: string, role: string): Snapshot => ({
  entityType: 'assignment',
  entityId: id,
  fields: { role },
});

describe('diffSnapshots', () => {
  it('finds what was added, changed and removed, and nothing else', () => {
    const before = [
      measure('m-1', { title: 'A', status: 'OPEN', percentComplete: 0 }),
      measure('m-2', { title: 'B', status: 'OPEN', percentComplete: 0 }),
      assignment('m-1/ihk', 'LEAD'),
    ];
    const after = [
      measure('m-1', { title: 'A', status: 'COMPLETED', percentComplete: 100 }),
      measure('m-2', { title: 'B', status: 'OPEN', percentComplete: 0 }),
      measure('m-3', { title: 'C', status: 'OPEN', percentComplete: 0 }),
    ];
    expect(diffSnapshots(before, after)).toEqual([
      {
        entityType: 'measure',
        entityId: 'm-1',
        kind: 'changed',
        fields: [
          { field: 'status', before: 'OPEN', after: 'COMPLETED' },
          { field: 'percentComplete', before: 0, after: 100 },
        ],
      },
      {
        entityType: 'measure',
        entityId: 'm-3',
        kind: 'added',
        fields: [
          { field: 'title', before: null, after: 'C' },
          { field: 'status', before: null, after: 'OPEN' },
          { field: 'percentComplete', before: null, after: 0 },
        ],
      },
      {
        entityType: 'assignment',
        entityId: 'm-1/ihk',
        kind: 'removed',
        fields: [{ field: 'role', before: 'LEAD', after: null }],
      },
    ]);
  });

  it('finds no change between a moment and itself', () => {
    const snapshot = [measure('m-1', { title: 'A' }), assignment('m-1/ihk', 'LEAD')];
    expect(diffSnapshots(snapshot, snapshot)).toEqual([]);
  });

  it('tells an entity of one kind from one of another with the same id', () => {
    const before = [measure('x', { title: 'A' })];
    const after = [{ entityType: 'commitment' as const, entityId: 'x', fields: { title: 'A' } }];
    expect(diffSnapshots(before, after).map((c) => [c.entityType, c.kind])).toEqual([
      ['commitment', 'added'],
      ['measure', 'removed'],
    ]);
  });
});
