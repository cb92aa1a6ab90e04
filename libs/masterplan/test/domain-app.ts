import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import {
  EventStoreModule,
  type EventStore,
  EVENT_STORE,
  type EventStoreConfig,
} from '@ml/event-store';
import { join } from 'node:path';
import { ConfigurationModule, loadConfiguration } from '@ml/config';
import { MasterplanModule } from '../src/masterplan.module.js';
import { CommandExecutor } from '../src/shared/command-executor.js';
import { ReactionRunner } from '../src/reactions/reaction-runner.js';

@Module({})
class DomainModule {
  static forRoot(config: EventStoreConfig): DynamicModule {
    return {
      module: DomainModule,
      imports: [
        ConfigurationModule.forRoot(loadConfiguration()),
        EventStoreModule.forRoot(config),
        MasterplanModule,
      ],
    };
  }
}

/** The domain as the server runs it (Nest, command bus, reactions) on a real SQLite file, without HTTP. */
export interface DomainApp {
  app: INestApplicationContext;
  commands: CommandBus;
  executor: CommandExecutor;
  reactions: ReactionRunner;
  store: EventStore;
}

export async function startDomain(dataDir: string): Promise<DomainApp> {
  const config: EventStoreConfig = {
    engine: 'sqlite',
    dataDir,
    file: join(dataDir, 'events.sqlite'),
    durability: 'FULL',
  };
  const app = await NestFactory.createApplicationContext(DomainModule.forRoot(config), {
    logger: false,
  });
  await app.init();
  return {
    app,
    commands: app.get(CommandBus),
    executor: app.get(CommandExecutor),
    reactions: app.get(ReactionRunner),
    store: app.get(EVENT_STORE),
  };
}
