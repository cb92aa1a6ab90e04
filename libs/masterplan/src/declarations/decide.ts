import type { Decider } from '../shared/decider.js';
import { jointDeclarationAggregate } from './joint-declaration.js';
import type { ActorState } from '../actors/actor.js';
import type { MasterplanState } from '../masterplans/masterplan.js';
import type { Decision, DecisionContext } from '../shared/decider.js';
import { invalid, notFound, ruleViolated, alreadyExists } from '../shared/rejection.js';
import { mustBeAdministrator, mustRepresent } from '../shared/rules.js';
import { firstRejection, requireAtMost, requireDate, requireText } from '../shared/validation.js';
import type {
  JointDeclarationEvent,
  JointDeclarationState,
  RoadmapStep,
} from './joint-declaration.js';

export type JointDeclarationCommand =
  | {
      type: 'DraftJointDeclaration';
      data: { declarationId: string; masterplanId: string; text: string; roadmap: RoadmapStep[] };
    }
  | { type: 'SignJointDeclaration'; data: { declarationId: string; actorId: string } }
  | { type: 'PublishJointDeclaration'; data: { declarationId: string } };

export interface JointDeclarationContext extends DecisionContext {
  masterplan?: MasterplanState;
  /** The signing actor. */
  actor?: ActorState;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export function decideJointDeclaration(
  command: JointDeclarationCommand,
  state: JointDeclarationState,
  ctx: JointDeclarationContext,
): Decision<JointDeclarationEvent> {
  const missing = state.exists
    ? undefined
    : notFound(
        'DECLARATION_NOT_FOUND',
        `There is no joint declaration '${command.data.declarationId}'`,
      );
  const published = state.published
    ? ruleViolated('DECLARATION_PUBLISHED', 'The joint declaration is already published')
    : undefined;
  switch (command.type) {
    case 'DraftJointDeclaration': {
      const { data } = command;
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'draft the joint declaration'),
        state.exists
          ? alreadyExists(
              'DECLARATION_EXISTS',
              `Joint declaration '${data.declarationId}' already exists`,
            )
          : undefined,
        ctx.masterplan?.exists
          ? undefined
          : notFound('MASTERPLAN_NOT_FOUND', `There is no masterplan '${data.masterplanId}'`),
        requireText(data.text, 'text', 50_000),
        data.roadmap.length === 0
          ? invalid('REQUIRED', 'The roadmap needs at least one step')
          : undefined,
        requireAtMost(data.roadmap, 'roadmap', 100),
        ...data.roadmap.flatMap((step, i) => [
          requireText(step.title, `roadmap[${i}].title`, 300),
          requireDate(step.dueDate, `roadmap[${i}].dueDate`),
        ]),
      );
      return refused ?? [{ type: 'JointDeclarationDrafted', data }];
    }
    case 'SignJointDeclaration': {
      const { data } = command;
      const refused = firstRejection(
        missing,
        mustRepresent(ctx.actor, data.actorId, ctx.user),
        published,
        state.signatories.includes(data.actorId)
          ? ruleViolated(
              'ALREADY_SIGNED',
              `${ctx.actor?.name ?? data.actorId} has already signed the joint declaration`,
            )
          : undefined,
      );
      return (
        refused ?? [{ type: 'JointDeclarationSigned', data: { ...data, signedOn: day(ctx.now) } }]
      );
    }
    case 'PublishJointDeclaration': {
      const refused = firstRejection(
        mustBeAdministrator(ctx.user, 'publish the joint declaration'),
        missing,
        published,
        state.signatories.length === 0
          ? ruleViolated(
              'NO_SIGNATURES',
              'A joint declaration is published once at least one actor signed it',
            )
          : undefined,
      );
      return (
        refused ?? [
          {
            type: 'JointDeclarationPublished',
            data: { declarationId: command.data.declarationId, publishedOn: day(ctx.now) },
          },
        ]
      );
    }
  }
}

/** The jointDeclaration decider: its state, events and rules in one object. */
export const jointDeclarationDecider: Decider<
  JointDeclarationState,
  JointDeclarationEvent,
  JointDeclarationCommand,
  JointDeclarationContext
> = {
  ...jointDeclarationAggregate,
  decide: decideJointDeclaration,
};
