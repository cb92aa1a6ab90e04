import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ConfigurationModule, type Configuration } from '@ml/config';
import { EventStoreModule, type EventStoreConfig } from '@ml/event-store';
import { MasterplanGraphqlModule, MasterplanModule, Projector, ReadStore } from '@ml/masterplan';
import { AuthModule, TokenVerifier } from '@ml/auth';
import { GraphQLHttpDriver, type GraphQLHttpOptions } from './graphql/graphql-http.driver.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import type { Limits, TrustProxy } from './graphql/limits.js';
import { SecurityLog, SecurityLogModule } from './security/security-log.js';
import { HealthModule } from './health/health.module.js';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams, logSettingsOf, type LogSettings } from './logging/logging.js';
import { Metrics, metricsSettingsOf, type MetricsSettings } from './metrics/metrics.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { readinessSettingsOf, type ReadinessSettings } from './health/readiness.js';
import { ExportsModule } from './exports/exports.module.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { GracefulShutdown } from './service/graceful-shutdown.js';
import { ErrorAnswers } from './service/error-answers.js';

export interface AppOptions {
  /** The settings; read from the environment when absent. */
  configuration?: Configuration;
  /** The engine to use; as the configuration says when absent. */
  eventStore?: EventStoreConfig;
  /** What one request may ask; as the configuration says when absent. */
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
  /** `options` as createApp completed them: the configuration, limits and trust are given. */
  static forRoot(
    options: AppOptions &
      Required<Pick<AppOptions, 'configuration' | 'limits' | 'trust'>> & { security: SecurityLog },
  ): DynamicModule {
    const configuration = options.configuration;
    // One per application instance: tests start several in one process.
    const metrics = new Metrics(options.metrics ?? metricsSettingsOf(configuration));
    const security = options.security;
    return {
      module: AppModule,
      imports: [
        ConfigurationModule.forRoot(configuration),
        LoggerModule.forRoot(loggerParams(options.logging ?? logSettingsOf(configuration))),
        EventStoreModule.forRoot(options.eventStore, metrics),
        MetricsModule.forRoot(metrics),
        SecurityLogModule.forRoot(security),
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
              security,
              options.trust,
              options.explorer ?? configuration.GRAPHQL_EXPLORER === 'on',
              metrics,
              configuration.CORS_ORIGINS ?? [],
            ),
        }),
        MasterplanGraphqlModule,
        HealthModule.forRoot(options.readiness ?? readinessSettingsOf(configuration)),
        ExportsModule,
        IntegrityModule,
      ],
      providers: [
        // Every error answered in one shape, and GraphQL's refusals not logged as faults.
        {
          provide: APP_FILTER,
          useFactory: () => new ErrorAnswers(options.limits.bodyBytes, security),
        },
        GracefulShutdown,
      ],
    };
  }
}
