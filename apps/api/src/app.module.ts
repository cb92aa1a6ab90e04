import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { EventStoreModule, type EventStoreConfig } from '@ml/event-store';
import { MasterplanModule } from '@ml/masterplan';
import { HealthModule } from './health/health.module.js';

export interface AppOptions {
  /** The engine to use; read from the environment when absent. */
  eventStore?: EventStoreConfig;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventStoreModule.forRoot(options.eventStore),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: true,
        }),
        MasterplanModule,
        HealthModule,
      ],
    };
  }
}
