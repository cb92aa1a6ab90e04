import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore, WriteObserver } from './contract.js';
import { CONFIGURATION, type Configuration } from '@ml/config';
import { eventStoreConfigOf, openEventStore, type EventStoreConfig } from './config.js';
import { ensureChainGenesis } from './integrity/genesis.js';

/**
 * Before anything is appended, the events written before the hash chain existed get their
 * genesis checkpoint (integrity/genesis.ts). An EventStoreDB out of reach is tried again in
 * the background, as the read side does.
 */
async function coverUnlinkedEvents(store: EventStore): Promise<void> {
  const logger = new Logger('Integrity');
  const attempt = async (): Promise<boolean> => {
    try {
      const covered = await ensureChainGenesis(store);
      if (covered > 0)
        logger.log(
          `${covered} events written before the hash chain are covered by its genesis checkpoint`,
        );
      return true;
    } catch (error) {
      logger.warn(
        `Cannot check the hash chain's genesis yet: ${(error as Error).message}; trying again in 5 s`,
      );
      return false;
    }
  };
  if (await attempt()) return;
  const retry = setInterval(() => {
    void attempt().then((done) => done && clearInterval(retry));
  }, 5000);
  retry.unref();
}

/** The injection token of the one `EventStore` the application uses. */
export const EVENT_STORE = Symbol('EventStore');
export const EVENT_STORE_CONFIG = Symbol('EventStoreConfig');

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  /**
   * Picks the engine from `config`, or from the configuration when none is given; `observer`
   * is told of its commits (metrics).
   */
  static forRoot(config?: EventStoreConfig, observer?: WriteObserver): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE_CONFIG,
          useFactory: (configuration: Configuration) => config ?? eventStoreConfigOf(configuration),
          inject: [CONFIGURATION],
        },
        {
          provide: EVENT_STORE,
          useFactory: async (resolved: EventStoreConfig) => {
            const store = openEventStore(resolved, observer, new Logger('EventStore'));
            await coverUnlinkedEvents(store);
            return store;
          },
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
