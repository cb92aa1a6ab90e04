import type { AuditRow } from './audit.projection.js';
import { provenanceOf, type FieldsSet } from './provenance.js';

const entry = (position: string, event_type: string, data: object): AuditRow =>
  ({ position, event_type, data: JSON.stringify(data) }) as AuditRow;

const fieldsSet: FieldsSet = {
  eventTypes: ['Defined', 'Progress', 'Closed'],
  fieldsOf({ type, data }) {
    const d = data as { title?: string; percent?: number };
    if (type === 'Defined') return { title: d.title, status: 'OPEN' };
    if (type === 'Progress') return { percentComplete: d.percent };
    if (type === 'Closed') return { status: 'CLOSED' };
    return undefined;
  },
};

describe('provenanceOf', () => {
  it('names for each field the last event that set it, in the order fields were first set', () => {
    const entries = [
      entry('1', 'Defined', { title: 'A' }),
      entry('2', 'Progress', { percent: 10 }),
      entry('3', 'Unrelated', {}),
      entry('4', 'Progress', { percent: 40 }),
      entry('5', 'Closed', {}),
    ];
    expect(
      provenanceOf(entries, fieldsSet).map((o) => [o.field, o.value, o.entry.position]),
    ).toEqual([
      ['title', 'A', '1'],
      ['status', 'CLOSED', '5'],
      ['percentComplete', 40, '4'],
    ]);
  });

  it('knows nothing of fields no entry set', () => {
    expect(provenanceOf([entry('1', 'Unrelated', {})], fieldsSet)).toEqual([]);
  });
});
