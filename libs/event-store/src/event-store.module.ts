import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore } from './contract.js';
import { eventStoreConfigFromEnv, openEventStore, type EventStoreConfig } from './config.js';

/** The injection token of the one `EventStore` the application uses. */
export const EVENT_STORE = Symbol('EventStore');
export const EVENT_STORE_CONFIG = Symbol('EventStoreConfig');

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  /** Picks the engine from `config`, or from the environment when none is given. */
  static forRoot(config?: EventStoreConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE_CONFIG, useFactory: () => config ?? eventStoreConfigFromEnv() },
        {
          provide: EVENT_STORE,
          useFactory: (resolved: EventStoreConfig) =>
            openEventStore(resolved, new Logger('EventStore')),
          inject: [EVENT_STORE_CONFIG],
        },
      ],
      exports: [EVENT_STORE, EVENT_STORE_CONFIG],
    };
  }

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Runs after the HTTP server stopped taking requests: pending appends finish first. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    new Logger('EventStore').log('Event store closed; pending appends were written');
  }
}
