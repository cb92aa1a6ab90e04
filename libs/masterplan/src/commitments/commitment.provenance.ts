import type { FieldsSet } from '../audit/provenance.js';
import type { CommitmentEvent } from './commitment.js';

/** Which events set which fields of a `Commitment`, with the values as the API shows them. */
export const commitmentFieldsSet: FieldsSet = {
  eventTypes: ['CommitmentDeclared', 'CommitmentFulfilled', 'CommitmentWithdrawn'],
  fieldsOf(event) {
    const e = event as CommitmentEvent;
    switch (e.type) {
      case 'CommitmentDeclared':
        return {
          actor: e.data.actorId,
          masterplan: e.data.masterplanId,
          measure: e.data.measureId ?? null,
          statement: e.data.statement,
          resources: e.data.resources ?? null,
          dueDate: e.data.dueDate ?? null,
          status: 'ACTIVE',
        };
      case 'CommitmentFulfilled':
        return { status: 'FULFILLED', endNote: e.data.note };
      case 'CommitmentWithdrawn':
        return { status: 'WITHDRAWN', endNote: e.data.reason };
      default:
        return undefined;
    }
  },
};
