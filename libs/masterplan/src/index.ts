export * from './masterplan.module.js';
export * from './shared/rejection.js';
export * from './shared/decider.js';
export * from './shared/command-metadata.js';
export * from './shared/command-executor.js';
export * from './shared/domain-command.js';
export * from './shared/event-catalogue.js';
export * from './shared/stored-event.js';
export { ID_REGISTRY_BACKFILL } from './shared/id-registry.js';
export * from './read-store/read-store.js';
export * from './reactions/reaction-runner.js';
export * from './actors/actor.js';
export * from './actors/actor.handlers.js';
export * from './masterplans/masterplan.js';
export * from './masterplans/masterplan.handlers.js';
export * from './dialogues/dialogue.js';
export * from './dialogues/dialogue.handlers.js';
export * from './working-groups/working-group.js';
export * from './working-groups/working-group.handlers.js';
export * from './proposals/proposal.js';
export * from './proposals/proposal.handlers.js';
export * from './measures/measure.js';
export * from './measures/measure.handlers.js';
export * from './commitments/commitment.js';
export * from './commitments/commitment.handlers.js';
export * from './declarations/joint-declaration.js';
export * from './declarations/joint-declaration.handlers.js';
export * from './graphql/masterplan-graphql.module.js';
export * from './graphql/context.js';
export * from './graphql/errors.js';
export { DateTime } from './graphql/date-time.scalar.js';
export * from './read-store/read-view.js';
export * from './projections/projector.js';
export type { Projection } from './projections/projection.js';
export { EventNotApplied, FollowerFailed, type FollowerStatus } from './shared/log-follower.js';
export * from './projections/projections.js';
export * from './projections/rebuild.js';
export * from './audit/audit-export.js';
export * from './declarations/declaration-document.js';
export { declarationPdf } from './declarations/declaration-pdf.js';
export * from './read-store/time-travel.js';
export * from './shared/lru.js';
export {
  readYourWritesMsFromEnv,
  COMMAND_METER,
  type CommandMeter,
} from './graphql/mutation-runner.js';
