import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgb, dgbRep, ihk, ihkRep } from '../../test/fixtures.js';
import { type MeasureEvent } from '../measures/measure.js';
import { measureDecider } from '../measures/decide.js';

const spec = deciderSpec(measureDecider);
const defined: MeasureEvent = {
  type: 'MeasureDefined',
  data: {
    measureId: 'm-1',
    masterplanId: 'mp',
    themeFieldId: 'tf',
    title: 'Ausbildungsoffensive',
    description: 'd',
    kind: 'quick_win',
  },
};
const declared: MeasureEvent = {
  type: 'CommitmentDeclared',
  data: {
    commitmentId: 'c-1',
    actorId: 'ihk',
    masterplanId: 'mp',
    measureId: 'm-1',
    statement: '20 training places',
    resources: '2 staff',
    dueDate: '2014-06-30',
  },
};
const declare = {
  type: 'DeclareCommitment' as const,
  data: {
    commitmentId: 'c-1',
    actorId: 'ihk',
    masterplanId: 'mp',
    measureId: 'm-1',
    statement: '20 training places',
    resources: '2 staff',
    dueDate: '2014-06-30',
  },
};
const byIhk = { ...as(ihkRep), actor: ihk };

describe('commitments to a measure', () => {
  it('a representative declares one with a statement, resources and a due date', () =>
    spec.given([defined]).when(declare, byIhk).then([declared]));

  it('a commitment refers to a measure that exists', () =>
    spec.given([]).when(declare, byIhk).thenRejects('NOT_FOUND', 'MEASURE_NOT_FOUND'));

  it('only a representative of the actor may declare for it', () =>
    spec
      .given([defined])
      .when(declare, { ...as(dgbRep), actor: ihk })
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE'));

  it('the actor must exist', () =>
    spec
      .given([defined])
      .when({ ...declare, data: { ...declare.data, actorId: 'ghost' } }, { ...as(ihkRep) })
      .thenRejects('NOT_FOUND', 'ACTOR_NOT_FOUND'));

  it('an actor cannot hold two active commitments to the same measure', () =>
    spec
      .given([defined, declared])
      .when({ ...declare, data: { ...declare.data, commitmentId: 'c-2' } }, byIhk)
      .thenRejects('RULE_VIOLATED', 'ALREADY_COMMITTED'));

  it('another actor may commit to the same measure', () =>
    spec
      .given([defined, declared])
      .when(
        { ...declare, data: { ...declare.data, commitmentId: 'c-2', actorId: 'dgb' } },
        { ...as(dgbRep), actor: dgb },
      )
      .then([
        {
          ...declared,
          data: { ...declared.data, commitmentId: 'c-2', actorId: 'dgb' },
        } as MeasureEvent,
      ]));

  it('a cancelled measure takes no new commitments', () =>
    spec
      .given([
        defined,
        { type: 'MeasureCancelled', data: { measureId: 'm-1', reason: 'covered by AGIT' } },
      ])
      .when(declare, byIhk)
      .thenRejects('RULE_VIOLATED', 'MEASURE_CANCELLED'));

  it('a completed measure takes no new commitments', () =>
    spec
      .given([defined, { type: 'MeasureCompleted', data: { measureId: 'm-1', note: 'done' } }])
      .when(declare, byIhk)
      .thenRejects('RULE_VIOLATED', 'MEASURE_COMPLETED'));

  it('a statement is required and a due date must be a date', () => {
    spec
      .given([defined])
      .when({ ...declare, data: { ...declare.data, statement: '  ' } }, byIhk)
      .thenRejects('INVALID_INPUT', 'REQUIRED');
    spec
      .given([defined])
      .when({ ...declare, data: { ...declare.data, dueDate: 'next summer' } }, byIhk)
      .thenRejects('INVALID_INPUT', 'INVALID_DATE');
  });

  it('a withdrawal needs a reason, and stays in history as its own event', () => {
    const withdraw = {
      type: 'WithdrawCommitment' as const,
      data: { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', reason: 'budget cut' },
    };
    spec
      .given([defined, declared])
      .when(withdraw, byIhk)
      .then([
        {
          type: 'CommitmentWithdrawn',
          data: { commitmentId: 'c-1', actorId: 'ihk', reason: 'budget cut' },
        },
      ]);
    spec
      .given([defined, declared])
      .when({ ...withdraw, data: { ...withdraw.data, reason: '' } }, byIhk)
      .thenRejects('INVALID_INPUT', 'REQUIRED');
  });

  it('only the actor withdraws its commitment; not another actor, not an administrator', () => {
    const withdraw = {
      type: 'WithdrawCommitment' as const,
      data: { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', reason: 'x' },
    };
    spec
      .given([defined, declared])
      .when(withdraw, { ...as(dgbRep), actor: ihk })
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE');
    spec
      .given([defined, declared])
      .when(withdraw, { ...asAdmin, actor: ihk })
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE');
  });

  it('fulfilment is reported by the actor or confirmed by an administrator, once', () => {
    const fulfil = {
      type: 'FulfilCommitment' as const,
      data: { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', note: '22 places filled' },
    };
    const fulfilled: MeasureEvent = {
      type: 'CommitmentFulfilled',
      data: { commitmentId: 'c-1', actorId: 'ihk', note: '22 places filled' },
    };
    spec.given([defined, declared]).when(fulfil, byIhk).then([fulfilled]);
    spec
      .given([defined, declared])
      .when(fulfil, { ...asAdmin, actor: ihk })
      .then([fulfilled]);
    spec
      .given([defined, declared, fulfilled])
      .when(fulfil, byIhk)
      .thenRejects('RULE_VIOLATED', 'COMMITMENT_NOT_ACTIVE');
  });

  it('a withdrawn commitment cannot be withdrawn or fulfilled again', () =>
    spec
      .given([
        defined,
        declared,
        { type: 'CommitmentWithdrawn', data: { commitmentId: 'c-1', actorId: 'ihk', reason: 'x' } },
      ])
      .when(
        {
          type: 'FulfilCommitment',
          data: { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', note: 'n' },
        },
        byIhk,
      )
      .thenRejects('RULE_VIOLATED', 'COMMITMENT_NOT_ACTIVE'));

  it('an unknown commitment is not found', () =>
    spec
      .given([defined])
      .when(
        {
          type: 'WithdrawCommitment',
          data: { commitmentId: 'nope', masterplanId: 'mp', measureId: 'm-1', reason: 'x' },
        },
        byIhk,
      )
      .thenRejects('NOT_FOUND', 'COMMITMENT_NOT_FOUND'));
});
