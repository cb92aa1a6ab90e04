import type { Aggregate, DomainEvent } from '../shared/decider.js';

export interface RoadmapStep {
  title: string;
  dueDate: string;
}

export type JointDeclarationDrafted = DomainEvent<
  'JointDeclarationDrafted',
  { declarationId: string; masterplanId: string; text: string; roadmap: RoadmapStep[] }
>;
export type JointDeclarationSigned = DomainEvent<
  'JointDeclarationSigned',
  { declarationId: string; actorId: string; signedOn: string }
>;
export type JointDeclarationPublished = DomainEvent<
  'JointDeclarationPublished',
  { declarationId: string; publishedOn: string }
>;
export type JointDeclarationEvent =
  JointDeclarationDrafted | JointDeclarationSigned | JointDeclarationPublished;

/** The joint declaration (gemeinsame Erklärung): text and roadmap, signed by the actors. */
export interface JointDeclarationState {
  exists: boolean;
  declarationId: string;
  masterplanId: string;
  signatories: string[];
  published: boolean;
}

export const jointDeclarationAggregate: Aggregate<JointDeclarationState, JointDeclarationEvent> = {
  streamPrefix: 'declaration-',
  initialState: {
    exists: false,
    declarationId: '',
    masterplanId: '',
    signatories: [],
    published: false,
  },
  evolve(state, event) {
    switch (event.type) {
      case 'JointDeclarationDrafted':
        return {
          ...state,
          exists: true,
          declarationId: event.data.declarationId,
          masterplanId: event.data.masterplanId,
        };
      case 'JointDeclarationSigned':
        return { ...state, signatories: [...state.signatories, event.data.actorId] };
      case 'JointDeclarationPublished':
        return { ...state, published: true };
    }
  },
};
