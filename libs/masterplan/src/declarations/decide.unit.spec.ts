import { deciderSpec } from '../../test/decider-spec.js';
import { as, asAdmin, dgbRep, ihk, ihkRep, masterplan } from '../../test/fixtures.js';
import { jointDeclarationDecider } from './decide.js';
import { type JointDeclarationEvent } from './joint-declaration.js';

const spec = deciderSpec(jointDeclarationDecider);
const draftData = {
  declarationId: 'jd-1',
  masterplanId: 'mp',
  text: 'Gemeinsame Erklärung …',
  roadmap: [{ title: '2. Industriedialog', dueDate: '2013-10-15' }],
};
const drafted: JointDeclarationEvent = { type: 'JointDeclarationDrafted', data: draftData };
const ihkSigned: JointDeclarationEvent = {
  type: 'JointDeclarationSigned',
  data: { declarationId: 'jd-1', actorId: 'ihk', signedOn: '2013-03-12' },
};
const published: JointDeclarationEvent = {
  type: 'JointDeclarationPublished',
  data: { declarationId: 'jd-1', publishedOn: '2013-03-12' },
};
const sign = {
  type: 'SignJointDeclaration' as const,
  data: { declarationId: 'jd-1', actorId: 'ihk' },
};

describe('the joint declaration', () => {
  it('is drafted by an administrator with a roadmap of dated steps', () => {
    spec
      .given([])
      .when({ type: 'DraftJointDeclaration', data: draftData }, { ...asAdmin, masterplan })
      .then([drafted]);
    spec
      .given([])
      .when(
        { type: 'DraftJointDeclaration', data: { ...draftData, roadmap: [] } },
        { ...asAdmin, masterplan },
      )
      .thenRejects('INVALID_INPUT', 'REQUIRED');
  });

  it('is signed by a representative for their organisation, once', () => {
    spec
      .given([drafted])
      .when(sign, { ...as(ihkRep), actor: ihk })
      .then([ihkSigned]);
    spec
      .given([drafted, ihkSigned])
      .when(sign, { ...as(ihkRep), actor: ihk })
      .thenRejects('RULE_VIOLATED', 'ALREADY_SIGNED');
    spec
      .given([drafted])
      .when(sign, { ...as(dgbRep), actor: ihk })
      .thenRejects('FORBIDDEN', 'NOT_A_REPRESENTATIVE');
  });

  it('is published after at least one signature, and signed no more after that', () => {
    spec
      .given([drafted])
      .when({ type: 'PublishJointDeclaration', data: { declarationId: 'jd-1' } }, asAdmin)
      .thenRejects('RULE_VIOLATED', 'NO_SIGNATURES');
    spec
      .given([drafted, ihkSigned])
      .when({ type: 'PublishJointDeclaration', data: { declarationId: 'jd-1' } }, asAdmin)
      .then([published]);
    spec
      .given([drafted, published])
      .when(sign, { ...as(ihkRep), actor: ihk })
      .thenRejects('RULE_VIOLATED', 'DECLARATION_PUBLISHED');
  });
});
