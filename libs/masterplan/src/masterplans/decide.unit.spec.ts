import { deciderSpec } from '../../test/decider-spec.js';
import {
  as,
  asAdmin,
  dgb,
  fachkraefte,
  ihk,
  ihkRep,
  initiated,
  motion,
  resolution,
} from '../../test/fixtures.js';
import { masterplanDecider } from './decide.js';
import { type MasterplanEvent } from './masterplan.js';

const spec = deciderSpec(masterplanDecider);
const presented: MasterplanEvent = {
  type: 'MasterplanPresented',
  data: { masterplanId: 'mp', presentedOn: '2013-03-12' },
};
const adopted: MasterplanEvent = {
  type: 'MasterplanAdopted',
  data: { masterplanId: 'mp', adoptedOn: '2013-03-12', resolution },
};
const milestone: MasterplanEvent = {
  type: 'MilestoneScheduled',
  data: {
    masterplanId: 'mp',
    milestoneId: 'ms-1',
    title: '1. Industriedialog',
    dueDate: '2013-05-01',
  },
};

describe('masterplans', () => {
  it('is initiated by an administrator, citing the motion and the resolution', () =>
    spec
      .given([])
      .when({ type: 'InitiateMasterplan', data: initiated.data as never }, asAdmin)
      .then([initiated]));

  it('must cite a motion with a date', () =>
    spec
      .given([])
      .when(
        {
          type: 'InitiateMasterplan',
          data: {
            ...(initiated.data as object),
            motion: { ...motion, filedOn: '20.11.2012' },
          } as never,
        },
        asAdmin,
      )
      .thenRejects('INVALID_INPUT', 'INVALID_DATE'));

  it('is initiated once', () =>
    spec
      .given([initiated])
      .when({ type: 'InitiateMasterplan', data: initiated.data as never }, asAdmin)
      .thenRejects('ALREADY_EXISTS', 'MASTERPLAN_EXISTS'));

  it('theme fields are defined by administrators, with unique names', () => {
    spec
      .given([initiated])
      .when({ type: 'DefineThemeField', data: fachkraefte.data as never }, asAdmin)
      .then([fachkraefte]);
    spec
      .given([initiated])
      .when({ type: 'DefineThemeField', data: fachkraefte.data as never }, as(ihkRep))
      .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY');
    spec
      .given([initiated, fachkraefte])
      .when(
        {
          type: 'DefineThemeField',
          data: {
            masterplanId: 'mp',
            themeFieldId: 'tf-2',
            name: 'fachkräfte',
            description: 'again',
          },
        },
        asAdmin,
      )
      .thenRejects('RULE_VIOLATED', 'THEME_FIELD_NAME_TAKEN');
  });

  it('commands on a masterplan that does not exist are refused', () =>
    spec
      .given([])
      .when({ type: 'DefineThemeField', data: fachkraefte.data as never }, asAdmin)
      .thenRejects('NOT_FOUND', 'MASTERPLAN_NOT_FOUND'));

  it('an adopted masterplan takes no new theme fields', () =>
    spec
      .given([initiated, fachkraefte, presented, adopted])
      .when(
        {
          type: 'DefineThemeField',
          data: {
            masterplanId: 'mp',
            themeFieldId: 'tf-2',
            name: 'Innovationen',
            description: 'x',
          },
        },
        asAdmin,
      )
      .thenRejects('RULE_VIOLATED', 'MASTERPLAN_ADOPTED'));

  it('milestones are scheduled with a date and reached once', () => {
    spec
      .given([initiated])
      .when({ type: 'ScheduleMilestone', data: milestone.data as never }, asAdmin)
      .then([milestone]);
    spec
      .given([initiated, milestone])
      .when({ type: 'ReachMilestone', data: { masterplanId: 'mp', milestoneId: 'ms-1' } }, asAdmin)
      .then([
        {
          type: 'MilestoneReached',
          data: { masterplanId: 'mp', milestoneId: 'ms-1', reachedOn: '2013-03-12' },
        },
      ]);
    spec
      .given([
        initiated,
        milestone,
        {
          type: 'MilestoneReached',
          data: { masterplanId: 'mp', milestoneId: 'ms-1', reachedOn: '2013-03-12' },
        },
      ])
      .when({ type: 'ReachMilestone', data: { masterplanId: 'mp', milestoneId: 'ms-1' } }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'MILESTONE_REACHED');
    spec
      .given([initiated])
      .when({ type: 'ReachMilestone', data: { masterplanId: 'mp', milestoneId: 'nope' } }, asAdmin)
      .thenRejects('NOT_FOUND', 'MILESTONE_NOT_FOUND');
  });

  it('is presented once it has theme fields, and adopted only after it was presented', () => {
    spec
      .given([initiated])
      .when({ type: 'PresentMasterplan', data: { masterplanId: 'mp' } }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'NO_THEME_FIELDS');
    spec
      .given([initiated, fachkraefte])
      .when({ type: 'PresentMasterplan', data: { masterplanId: 'mp' } }, asAdmin)
      .then([presented]);
    spec
      .given([initiated, fachkraefte])
      .when({ type: 'AdoptMasterplan', data: { masterplanId: 'mp', resolution } }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'NOT_PRESENTED');
    spec
      .given([initiated, fachkraefte, presented])
      .when({ type: 'AdoptMasterplan', data: { masterplanId: 'mp', resolution } }, asAdmin)
      .then([adopted]);
    spec
      .given([initiated, fachkraefte, presented, adopted])
      .when({ type: 'AdoptMasterplan', data: { masterplanId: 'mp', resolution } }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'ALREADY_ADOPTED');
  });

  describe('commitments to the masterplan as a whole', () => {
    const declared: MasterplanEvent = {
      type: 'CommitmentDeclared',
      data: {
        commitmentId: 'c-1',
        actorId: 'ihk',
        masterplanId: 'mp',
        statement: 'We support the masterplan',
      },
    };
    const declare = {
      type: 'DeclareCommitment' as const,
      data: {
        commitmentId: 'c-1',
        actorId: 'ihk',
        masterplanId: 'mp',
        statement: 'We support the masterplan',
      },
    };

    it('a representative declares for their own organisation', () =>
      spec
        .given([initiated])
        .when(declare, { ...as(ihkRep), actor: ihk })
        .then([declared]));

    it('nobody declares for another organisation', () =>
      spec
        .given([initiated])
        .when(
          { ...declare, data: { ...declare.data, actorId: 'dgb' } },
          { ...as(ihkRep), actor: dgb },
        )
        .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE'));

    it('administrators do not declare for an organisation either', () =>
      spec
        .given([initiated])
        .when(declare, { ...asAdmin, actor: ihk })
        .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE'));

    it('one active commitment per actor; a withdrawn one stays and a new one may follow', () => {
      spec
        .given([initiated, declared])
        .when(
          { ...declare, data: { ...declare.data, commitmentId: 'c-2' } },
          { ...as(ihkRep), actor: ihk },
        )
        .thenRejects('RULE_VIOLATED', 'ALREADY_COMMITTED');
      const withdrawn: MasterplanEvent = {
        type: 'CommitmentWithdrawn',
        data: { commitmentId: 'c-1', actorId: 'ihk', reason: 'restructuring' },
      };
      spec
        .given([initiated, declared, withdrawn])
        .when(
          { ...declare, data: { ...declare.data, commitmentId: 'c-2' } },
          { ...as(ihkRep), actor: ihk },
        )
        .then([
          { ...declared, data: { ...declared.data, commitmentId: 'c-2' } } as MasterplanEvent,
        ]);
    });
  });
});
