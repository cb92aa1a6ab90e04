import {
  DateTime,
  formatError,
  Projector,
  ReadStore,
  ReadView,
  type GqlContext,
} from '@ml/masterplan';
import { TokenVerifier, type Verified } from '@ml/auth';
import { authenticate } from '../security/authenticate.js';
import type { SecurityLog } from '../security/security-log.js';
import type { GraphQLHttpOptions } from './graphql-http.driver.js';
import type { Limits, TrustProxy } from './limits.js';
import type { Metrics } from '../metrics/metrics.js';

/** A request's context; its view reads within the request's deadline (`ctx` is its budget). */
function contextFor(
  user: Verified | null,
  readStore: ReadStore,
  correlationId: string,
): GqlContext {
  const ctx = {
    user: user && { userId: user.userId, isAdministrator: user.isAdministrator },
    correlationId,
    ...(user?.expiresAt !== undefined ? { expiresAt: user.expiresAt } : {}),
  } as GqlContext;
  ctx.view = new ReadView(readStore, undefined, ctx);
  return ctx;
}

export function graphqlOptions(
  verifier: TokenVerifier,
  readStore: ReadStore,
  projector: Projector,
  limits: Limits,
  security: SecurityLog,
  trust: TrustProxy,
  explorer: boolean,
  metrics: Metrics,
  corsOrigins: readonly string[],
): GraphQLHttpOptions {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // One strict DateTime for every date, declared or implied by a `Date` property.
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    limits,
    security,
    trust,
    explorer,
    metrics,
    corsOrigins,
    authenticate: (authorization) => authenticate(verifier, authorization),
    contextFor: (user, correlationId) => contextFor(user, readStore, correlationId),
    formatError,
    responseCache: {
      version: () => projector.version,
      // These answer with the clock (lag in seconds, engine state), not only the log.
      bypass: (query) => /\b(projectionStatus|health)\b/.test(query),
    },
  };
}
