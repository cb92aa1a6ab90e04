import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgbRep, ihk, ihkRep, masterplan } from '../../test/fixtures.js';
import { fold } from '../shared/decider.js';
import { workingGroupAggregate } from '../working-groups/working-group.js';
import { proposalDecider } from './decide.js';
import { type ProposalEvent } from './proposal.js';

const spec = deciderSpec(proposalDecider);
const submitData = {
  proposalId: 'p-1',
  masterplanId: 'mp',
  themeFieldId: 'tf-fachkraefte',
  actorId: 'ihk',
  title: 'Ausbildungsoffensive',
  description: 'More apprenticeships',
};
const submitted: ProposalEvent = { type: 'ProposalSubmitted', data: submitData };
const byIhk = { ...as(ihkRep), actor: ihk, masterplan };
const group = fold(workingGroupAggregate, [
  {
    type: 'WorkingGroupFormed',
    data: {
      workingGroupId: 'wg-1',
      masterplanId: 'mp',
      themeFieldId: 'tf-fachkraefte',
      name: 'Kleingruppe Fachkräfte',
      facilitatorActorId: 'dgb',
    },
  },
  { type: 'WorkingGroupMemberJoined', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
]);
const accept = {
  type: 'AcceptProposal' as const,
  data: { proposalId: 'p-1', measureId: 'm-1', measureKind: 'lead_project' as const },
};
const withdrawn: ProposalEvent = {
  type: 'ProposalWithdrawn',
  data: { proposalId: 'p-1', reason: 'merged' },
};
const rejected: ProposalEvent = {
  type: 'ProposalRejected',
  data: { proposalId: 'p-1', reason: 'duplicate' },
};
const acceptedEvent: ProposalEvent = {
  type: 'ProposalAccepted',
  data: {
    proposalId: 'p-1',
    masterplanId: 'mp',
    themeFieldId: 'tf-fachkraefte',
    measureId: 'm-1',
    measureKind: 'lead_project',
    title: 'Ausbildungsoffensive',
    description: 'More apprenticeships',
  },
};

describe('proposals', () => {
  it('a representative submits a proposal for a theme field of the masterplan', () =>
    spec.given([]).when({ type: 'SubmitProposal', data: submitData }, byIhk).then([submitted]));

  it('the theme field must exist in the same masterplan', () =>
    spec
      .given([])
      .when({ type: 'SubmitProposal', data: { ...submitData, themeFieldId: 'tf-x' } }, byIhk)
      .thenRejects('NOT_FOUND', 'THEME_FIELD_NOT_FOUND'));

  it('nobody submits for an organisation they do not represent', () =>
    spec
      .given([])
      .when({ type: 'SubmitProposal', data: submitData }, { ...as(dgbRep), actor: ihk, masterplan })
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE'));

  it('a working group proposal comes from a member of the group', () => {
    spec
      .given([])
      .when(
        { type: 'SubmitProposal', data: { ...submitData, workingGroupId: 'wg-1' } },
        { ...byIhk, workingGroup: group },
      )
      .then([{ type: 'ProposalSubmitted', data: { ...submitData, workingGroupId: 'wg-1' } }]);
    const withoutIhk = fold(workingGroupAggregate, [
      {
        type: 'WorkingGroupFormed',
        data: {
          workingGroupId: 'wg-1',
          masterplanId: 'mp',
          themeFieldId: 'tf-fachkraefte',
          name: 'K',
          facilitatorActorId: 'dgb',
        },
      },
    ]);
    spec
      .given([])
      .when(
        { type: 'SubmitProposal', data: { ...submitData, workingGroupId: 'wg-1' } },
        { ...byIhk, workingGroup: withoutIhk },
      )
      .thenRejects('RULE_VIOLATED', 'NOT_A_MEMBER');
  });

  it('a revision changes something, and only while submitted', () => {
    spec
      .given([submitted])
      .when(
        { type: 'ReviseProposal', data: { proposalId: 'p-1', title: 'Ausbildungsoffensive 2020' } },
        byIhk,
      )
      .then([
        {
          type: 'ProposalRevised',
          data: {
            proposalId: 'p-1',
            title: 'Ausbildungsoffensive 2020',
            description: 'More apprenticeships',
          },
        },
      ]);
    spec
      .given([submitted])
      .when({ type: 'ReviseProposal', data: { proposalId: 'p-1' } }, byIhk)
      .thenRejects('RULE_VIOLATED', 'NOTHING_CHANGED');
    spec
      .given([submitted, rejected])
      .when({ type: 'ReviseProposal', data: { proposalId: 'p-1', title: 'again' } }, byIhk)
      .thenRejects('RULE_VIOLATED', 'PROPOSAL_REJECTED');
  });

  it('an administrator accepts a submitted proposal; it names the measure it becomes', () =>
    spec.given([submitted]).when(accept, asAdmin).then([acceptedEvent]));

  it('representatives do not accept proposals', () =>
    spec
      .given([submitted])
      .when(accept, { ...as(ihkRep), actor: ihk })
      .thenRejects('FORBIDDEN', 'ADMINISTRATORS_ONLY'));

  it('a rejected or withdrawn proposal cannot be accepted', () => {
    spec
      .given([submitted, rejected])
      .when(accept, asAdmin)
      .thenRejects('RULE_VIOLATED', 'PROPOSAL_REJECTED');
    spec
      .given([submitted, withdrawn])
      .when(accept, asAdmin)
      .thenRejects('RULE_VIOLATED', 'PROPOSAL_WITHDRAWN');
  });

  it('an accepted proposal cannot be withdrawn', () =>
    spec
      .given([submitted, acceptedEvent])
      .when(
        { type: 'WithdrawProposal', data: { proposalId: 'p-1', reason: 'changed our mind' } },
        byIhk,
      )
      .thenRejects('RULE_VIOLATED', 'PROPOSAL_ACCEPTED'));

  it('the submitting actor withdraws, with a reason; another actor cannot', () => {
    spec
      .given([submitted])
      .when({ type: 'WithdrawProposal', data: { proposalId: 'p-1', reason: 'merged' } }, byIhk)
      .then([withdrawn]);
    spec
      .given([submitted])
      .when(
        { type: 'WithdrawProposal', data: { proposalId: 'p-1', reason: 'merged' } },
        { ...as(dgbRep), actor: ihk },
      )
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE');
  });

  it('a rejection needs a reason', () => {
    spec
      .given([submitted])
      .when({ type: 'RejectProposal', data: { proposalId: 'p-1', reason: 'duplicate' } }, asAdmin)
      .then([rejected]);
    spec
      .given([submitted])
      .when({ type: 'RejectProposal', data: { proposalId: 'p-1', reason: '' } }, asAdmin)
      .thenRejects('INVALID_INPUT', 'REQUIRED');
  });

  it('an unknown proposal is not found', () =>
    spec.given([]).when(accept, asAdmin).thenRejects('NOT_FOUND', 'PROPOSAL_NOT_FOUND'));
});
