import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgb, ihk, ihkRep, masterplan, stranger } from '../../test/fixtures.js';
import { workingGroupDecider } from './decide.js';
import { type WorkingGroupEvent } from './working-group.js';

const spec = deciderSpec(workingGroupDecider);
const formData = {
  workingGroupId: 'wg-1',
  masterplanId: 'mp',
  themeFieldId: 'tf-fachkraefte',
  name: 'Kleingruppe Fachkräfte',
  facilitatorActorId: 'dgb',
};
const formed: WorkingGroupEvent = { type: 'WorkingGroupFormed', data: formData };
const ihkJoined: WorkingGroupEvent = {
  type: 'WorkingGroupMemberJoined',
  data: { workingGroupId: 'wg-1', actorId: 'ihk' },
};

describe('working groups', () => {
  it('an administrator forms a group for a theme field with a facilitator', () =>
    spec
      .given([])
      .when({ type: 'FormWorkingGroup', data: formData }, { ...asAdmin, masterplan, actor: dgb })
      .then([formed]));

  it('the theme field must exist', () =>
    spec
      .given([])
      .when(
        { type: 'FormWorkingGroup', data: { ...formData, themeFieldId: 'nope' } },
        { ...asAdmin, masterplan, actor: dgb },
      )
      .thenRejects('NOT_FOUND', 'THEME_FIELD_NOT_FOUND'));

  it('an actor joins through its representative, once', () => {
    spec
      .given([formed])
      .when(
        { type: 'JoinWorkingGroup', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
        { ...as(ihkRep), actor: ihk },
      )
      .then([ihkJoined]);
    spec
      .given([formed, ihkJoined])
      .when(
        { type: 'JoinWorkingGroup', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
        { ...as(ihkRep), actor: ihk },
      )
      .thenRejects('RULE_VIOLATED', 'ALREADY_A_MEMBER');
  });

  it('nobody joins for an organisation they do not represent', () =>
    spec
      .given([formed])
      .when(
        { type: 'JoinWorkingGroup', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
        { ...as(stranger), actor: ihk },
      )
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE'));

  it('only members leave', () => {
    spec
      .given([formed, ihkJoined])
      .when(
        { type: 'LeaveWorkingGroup', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
        { ...as(ihkRep), actor: ihk },
      )
      .then([{ type: 'WorkingGroupMemberLeft', data: { workingGroupId: 'wg-1', actorId: 'ihk' } }]);
    spec
      .given([formed])
      .when(
        { type: 'LeaveWorkingGroup', data: { workingGroupId: 'wg-1', actorId: 'ihk' } },
        { ...as(ihkRep), actor: ihk },
      )
      .thenRejects('RULE_VIOLATED', 'NOT_A_MEMBER');
  });
});
