import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ConfigurationModule, type Configuration } from '@ml/config';
import { EventStoreModule, type EventStoreConfig } from '@ml/event-store';
import { MasterplanGraphqlModule, MasterplanModule, Projector, ReadStore } from '@ml/masterplan';
import { AuthModule, TokenVerifier } from '@ml/auth';
import { GraphQLHttpDriver, type GraphQLHttpOptions } from './graphql/graphql-http.driver.js';
import { GraphQLErrorsPassThrough } from './graphql/graphql-errors.filter.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import type { Limits, TrustProxy } from './graphql/limits.js';
import { SecurityLog } from './security/security-log.js';
import { HealthModule } from './health/health.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { GracefulShutdown } from './service/graceful-shutdown.js';

export interface AppOptions {
  /** The settings; read from the environment when absent. */
  configuration?: Configuration;
  /** The engine to use; as the configuration says when absent. */
  eventStore?: EventStoreConfig;
  /** What one request may ask; as the configuration says when absent. */
  limits?: Limits;
  /** Which proxies to believe about client addresses; from TRUST_PROXY when absent. */
  trust?: TrustProxy;
  /** Whether browsers get the GraphQL explorer; from GRAPHQL_EXPLORER when absent. */
  explorer?: boolean;
}

@Module({})
export class AppModule {
  /** `options` as createApp completed them: the configuration, limits and trust are given. */
  static forRoot(
    options: AppOptions & Required<Pick<AppOptions, 'configuration' | 'limits' | 'trust'>>,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigurationModule.forRoot(options.configuration),
        EventStoreModule.forRoot(options.eventStore),
        MasterplanModule,
        AuthModule,
        GraphQLModule.forRootAsync<GraphQLHttpOptions>({
          driver: GraphQLHttpDriver,
          imports: [AuthModule, MasterplanModule],
          inject: [TokenVerifier, ReadStore, Projector],
          useFactory: (verifier: TokenVerifier, readStore: ReadStore, projector: Projector) =>
            graphqlOptions(
              verifier,
              readStore,
              projector,
              options.limits,
              new SecurityLog(),
              options.trust,
              options.explorer ?? options.configuration.GRAPHQL_EXPLORER === 'on',
            ),
        }),
        MasterplanGraphqlModule,
        HealthModule,
        ExportsModule,
        IntegrityModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: GraphQLErrorsPassThrough }, GracefulShutdown],
    };
  }
}
