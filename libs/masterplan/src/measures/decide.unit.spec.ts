import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgb, ihk, ihkRep, masterplan, unknownActor } from '../../test/fixtures.js';
import { fold } from '../shared/decider.js';
import { proposalAggregate, type ProposalEvent } from '../proposals/proposal.js';
import { measureDecider } from './decide.js';
import { type MeasureEvent } from './measure.js';

const spec = deciderSpec(measureDecider);
const defineData = {
  measureId: 'm-1',
  masterplanId: 'mp',
  themeFieldId: 'tf-fachkraefte',
  title: 'Ausbildungsoffensive',
  description: 'More apprenticeships',
  kind: 'quick_win' as const,
};
const defined: MeasureEvent = { type: 'MeasureDefined', data: defineData };
const ihkLead: MeasureEvent = {
  type: 'MeasureAssigned',
  data: { measureId: 'm-1', actorId: 'ihk', role: 'lead' },
};
const cancelled: MeasureEvent = {
  type: 'MeasureCancelled',
  data: { measureId: 'm-1', reason: 'delegated elsewhere' },
};
const completed: MeasureEvent = {
  type: 'MeasureCompleted',
  data: { measureId: 'm-1', note: 'done' },
};
const assign = (actorId: string, role: 'lead' | 'partner' | 'supporter' | 'delegated') => ({
  type: 'AssignMeasure' as const,
  data: { measureId: 'm-1', actorId, role },
});

const submitted: ProposalEvent = {
  type: 'ProposalSubmitted',
  data: {
    proposalId: 'p-1',
    masterplanId: 'mp',
    themeFieldId: 'tf-fachkraefte',
    actorId: 'ihk',
    title: 'Ausbildungsoffensive',
    description: 'More apprenticeships',
  },
};
const accepted: ProposalEvent = {
  type: 'ProposalAccepted',
  data: {
    proposalId: 'p-1',
    masterplanId: 'mp',
    themeFieldId: 'tf-fachkraefte',
    measureId: 'm-1',
    measureKind: 'quick_win',
    title: 'Ausbildungsoffensive',
    description: 'More apprenticeships',
  },
};

describe('measures', () => {
  describe('defining', () => {
    it('an administrator defines a measure in a theme field of the masterplan', () =>
      spec
        .given([])
        .when({ type: 'DefineMeasure', data: defineData }, { ...asAdmin, masterplan })
        .then([defined]));

    it('the theme field must belong to the masterplan', () =>
      spec
        .given([])
        .when(
          { type: 'DefineMeasure', data: { ...defineData, themeFieldId: 'tf-other' } },
          { ...asAdmin, masterplan },
        )
        .thenRejects('NOT_FOUND', 'THEME_FIELD_NOT_FOUND'));

    it('the kind is lead project, quick win or standard', () =>
      spec
        .given([])
        .when(
          { type: 'DefineMeasure', data: { ...defineData, kind: 'someday' as never } },
          { ...asAdmin, masterplan },
        )
        .thenRejects('INVALID_INPUT', 'NOT_ALLOWED'));

    it('only an accepted proposal becomes a measure', () => {
      const data = { ...defineData, sourceProposalId: 'p-1' };
      spec
        .given([])
        .when(
          { type: 'DefineMeasure', data },
          { ...asAdmin, masterplan, proposal: fold(proposalAggregate, [submitted]) },
        )
        .thenRejects('RULE_VIOLATED', 'PROPOSAL_NOT_ACCEPTED');
      spec
        .given([])
        .when(
          { type: 'DefineMeasure', data },
          { ...asAdmin, masterplan, proposal: fold(proposalAggregate, [submitted, accepted]) },
        )
        .then([{ type: 'MeasureDefined', data }]);
      spec
        .given([])
        .when(
          { type: 'DefineMeasure', data: { ...data, measureId: 'm-9' } },
          { ...asAdmin, masterplan, proposal: fold(proposalAggregate, [submitted, accepted]) },
        )
        .thenRejects('RULE_VIOLATED', 'PROPOSAL_ACCEPTED_AS_OTHER_MEASURE');
    });

    it('a measure is defined once', () =>
      spec
        .given([defined])
        .when({ type: 'DefineMeasure', data: defineData }, { ...asAdmin, masterplan })
        .thenRejects('ALREADY_EXISTS', 'MEASURE_EXISTS'));
  });

  describe('assigning', () => {
    it('an administrator assigns an actor with a role', () =>
      spec
        .given([defined])
        .when(assign('ihk', 'lead'), { ...asAdmin, actor: ihk })
        .then([ihkLead]));

    it('representatives do not assign measures', () =>
      spec
        .given([defined])
        .when(assign('ihk', 'lead'), { ...as(ihkRep), actor: ihk })
        .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY'));

    it('a measure has at most one lead actor at a time', () =>
      spec
        .given([defined, ihkLead])
        .when(assign('dgb', 'lead'), { ...asAdmin, actor: dgb })
        .thenRejects('RULE_VIOLATED', 'LEAD_TAKEN'));

    it('once the lead is unassigned, another actor can lead', () =>
      spec
        .given([
          defined,
          ihkLead,
          {
            type: 'MeasureUnassigned',
            data: { measureId: 'm-1', actorId: 'ihk', role: 'lead', reason: 'handover' },
          },
        ])
        .when(assign('dgb', 'lead'), { ...asAdmin, actor: dgb })
        .then([
          { type: 'MeasureAssigned', data: { measureId: 'm-1', actorId: 'dgb', role: 'lead' } },
        ]));

    it('partners and a delegated network sit beside the lead', () =>
      spec
        .given([defined, ihkLead])
        .when(assign('dgb', 'partner'), { ...asAdmin, actor: dgb })
        .then([
          { type: 'MeasureAssigned', data: { measureId: 'm-1', actorId: 'dgb', role: 'partner' } },
        ]));

    it('an actor holds one role per measure', () =>
      spec
        .given([defined, ihkLead])
        .when(assign('ihk', 'partner'), { ...asAdmin, actor: ihk })
        .thenRejects('RULE_VIOLATED', 'ALREADY_ASSIGNED'));

    it('the actor must exist', () =>
      spec
        .given([defined])
        .when(assign('ghost', 'partner'), { ...asAdmin, actor: unknownActor })
        .thenRejects('NOT_FOUND', 'ACTOR_NOT_FOUND'));

    it('the role must be lead, partner, supporter or delegated', () =>
      spec
        .given([defined])
        .when(assign('ihk', 'boss' as never), { ...asAdmin, actor: ihk })
        .thenRejects('INVALID_INPUT', 'NOT_ALLOWED'));

    it('a cancelled or completed measure takes no new assignments', () => {
      spec
        .given([defined, cancelled])
        .when(assign('ihk', 'lead'), { ...asAdmin, actor: ihk })
        .thenRejects('RULE_VIOLATED', 'MEASURE_CANCELLED');
      spec
        .given([defined, completed])
        .when(assign('ihk', 'lead'), { ...asAdmin, actor: ihk })
        .thenRejects('RULE_VIOLATED', 'MEASURE_COMPLETED');
    });

    it('unassigning names the role that ends and needs a reason', () => {
      spec
        .given([defined, ihkLead])
        .when(
          {
            type: 'UnassignMeasure',
            data: { measureId: 'm-1', actorId: 'ihk', reason: 'handover' },
          },
          asAdmin,
        )
        .then([
          {
            type: 'MeasureUnassigned',
            data: { measureId: 'm-1', actorId: 'ihk', role: 'lead', reason: 'handover' },
          },
        ]);
      spec
        .given([defined])
        .when(
          { type: 'UnassignMeasure', data: { measureId: 'm-1', actorId: 'ihk', reason: 'x' } },
          asAdmin,
        )
        .thenRejects('RULE_VIOLATED', 'NOT_ASSIGNED');
    });
  });

  describe('progress and closing', () => {
    const report = (percentComplete: number, actorId?: string) => ({
      type: 'ReportMeasureProgress' as const,
      data: {
        measureId: 'm-1',
        percentComplete,
        note: 'first cohort started',
        ...(actorId ? { actorId } : {}),
      },
    });

    it('an assigned actor reports progress through its representative', () =>
      spec
        .given([defined, ihkLead])
        .when(report(40, 'ihk'), { ...as(ihkRep), actor: ihk })
        .then([
          {
            type: 'MeasureProgressReported',
            data: { measureId: 'm-1', percentComplete: 40, note: 'first cohort started' },
          },
        ]));

    it('an actor that is not assigned does not report progress', () =>
      spec
        .given([defined])
        .when(report(40, 'ihk'), { ...as(ihkRep), actor: ihk })
        .thenRejects('FORBIDDEN', 'NOT_ASSIGNED'));

    it('progress is a whole percentage', () =>
      spec
        .given([defined])
        .when(report(140), asAdmin)
        .thenRejects('INVALID_INPUT', 'OUT_OF_RANGE'));

    it('a measure is completed or cancelled once, by an administrator', () => {
      spec
        .given([defined])
        .when({ type: 'CompleteMeasure', data: { measureId: 'm-1', note: 'done' } }, asAdmin)
        .then([completed]);
      spec
        .given([defined, completed])
        .when({ type: 'CancelMeasure', data: { measureId: 'm-1', reason: 'x' } }, asAdmin)
        .thenRejects('RULE_VIOLATED', 'MEASURE_COMPLETED');
      spec
        .given([defined])
        .when({ type: 'CancelMeasure', data: { measureId: 'm-1', reason: 'x' } }, as(ihkRep))
        .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY');
      spec
        .given([defined, cancelled])
        .when(report(50), asAdmin)
        .thenRejects('RULE_VIOLATED', 'MEASURE_CANCELLED');
    });

    it('an unknown measure is not found', () =>
      spec
        .given([])
        .when(assign('ihk', 'lead'), { ...asAdmin, actor: ihk })
        .thenRejects('NOT_FOUND', 'MEASURE_NOT_FOUND'));
  });
});
