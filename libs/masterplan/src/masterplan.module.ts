import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  EVENT_STORE_CONFIG,
  type EventStore,
  type EventStoreConfig,
} from '@ml/event-store';
import { actorHandlers } from './actors/actor.handlers.js';
import { commitmentHandlers } from './commitments/commitment.handlers.js';
import { jointDeclarationHandlers } from './declarations/joint-declaration.handlers.js';
import { dialogueHandlers } from './dialogues/dialogue.handlers.js';
import { masterplanHandlers } from './masterplans/masterplan.handlers.js';
import { measureHandlers } from './measures/measure.handlers.js';
import { defineMeasureForAcceptedProposal } from './proposals/define-measure-for-accepted-proposal.reaction.js';
import { proposalHandlers } from './proposals/proposal.handlers.js';
import { REACTIONS } from './reactions/reaction.js';
import { ReactionRunner } from './reactions/reaction-runner.js';
import { Projector } from './projections/projector.js';
import { ReadStore } from './read-store/read-store.js';
import { CommandExecutor } from './shared/command-executor.js';
import { workingGroupHandlers } from './working-groups/working-group.handlers.js';

/** The masterplan domain behind Nest's command bus, with its reactions. */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    {
      provide: CommandExecutor,
      useFactory: (store: EventStore) => new CommandExecutor(store, new Logger('Commands')),
      inject: [EVENT_STORE],
    },
    {
      provide: ReadStore,
      useFactory: (config: EventStoreConfig) => ReadStore.inDataDir(config.dataDir),
      inject: [EVENT_STORE_CONFIG],
    },
    { provide: REACTIONS, useValue: [defineMeasureForAcceptedProposal] },
    ReactionRunner,
    Projector,
    ...actorHandlers,
    ...masterplanHandlers,
    ...dialogueHandlers,
    ...workingGroupHandlers,
    ...proposalHandlers,
    ...measureHandlers,
    ...commitmentHandlers,
    ...jointDeclarationHandlers,
  ],
  exports: [CqrsModule, CommandExecutor, ReadStore, ReactionRunner, Projector],
})
export class MasterplanModule implements OnApplicationBootstrap {
  constructor(private readonly executor: CommandExecutor) {}

  /** Before the server takes requests: ids of entities from before uniqueness are reserved. */
  onApplicationBootstrap(): Promise<void> {
    return this.executor.ready();
  }
}
