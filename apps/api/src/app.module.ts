import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { EventStoreModule, type EventStoreConfig } from '@ml/event-store';
import { MasterplanGraphqlModule, MasterplanModule, Projector, ReadStore } from '@ml/masterplan';
import { AuthModule, TokenVerifier } from '@ml/auth';
import { GraphQLHttpDriver, type GraphQLHttpOptions } from './graphql/graphql-http.driver.js';
import { GraphQLErrorsPassThrough } from './graphql/graphql-errors.filter.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import {
  limitsFromEnv,
  trustProxyFromEnv,
  type Limits,
  type TrustProxy,
} from './graphql/limits.js';
import { SecurityLog } from './security/security-log.js';
import { HealthModule } from './health/health.module.js';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams, logSettingsFromEnv, type LogSettings } from './logging/logging.js';
import { Metrics, metricsSettingsFromEnv, type MetricsSettings } from './metrics/metrics.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { readinessSettingsFromEnv, type ReadinessSettings } from './health/readiness.js';
import { ExportsModule } from './exports/exports.module.js';
import { explorerFromEnv } from './explorer/explorer.js';

export interface AppOptions {
  /** The engine to use; read from the environment when absent. */
  eventStore?: EventStoreConfig;
  /** What one request may ask; from the environment when absent. */
  limits?: Limits;
  /** Which proxies to believe about client addresses; from TRUST_PROXY when absent. */
  trust?: TrustProxy;
  /** LOG_LEVEL and LOG_FORMAT; from the environment when absent. */
  logging?: LogSettings;
  /** METRICS_TOKEN; from the environment when absent. */
  metrics?: MetricsSettings;
  /** READY_MAX_LAG_EVENTS and READY_MAX_LAG_SECONDS; from the environment when absent. */
  readiness?: ReadinessSettings;
  /** Whether browsers get the GraphQL explorer; from GRAPHQL_EXPLORER when absent. */
  explorer?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions = {}): DynamicModule {
    // One per application instance: tests start several in one process.
    const metrics = new Metrics(options.metrics ?? metricsSettingsFromEnv());
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerParams(options.logging ?? logSettingsFromEnv())),
        EventStoreModule.forRoot(options.eventStore, metrics),
        MetricsModule.forRoot(metrics),
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
              options.limits ?? limitsFromEnv(),
              new SecurityLog(),
              options.trust ?? trustProxyFromEnv(),
              options.explorer ?? explorerFromEnv(),
              metrics,
            ),
        }),
        MasterplanGraphqlModule,
        HealthModule.forRoot(options.readiness ?? readinessSettingsFromEnv()),
        ExportsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: GraphQLErrorsPassThrough }],
    };
  }
}
