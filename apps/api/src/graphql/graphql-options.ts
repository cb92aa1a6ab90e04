import { GraphQLError } from 'graphql';
import {
  DateTime,
  formatError,
  Projector,
  ReadStore,
  ReadView,
  type GqlContext,
} from '@ml/masterplan';
import { InvalidToken, TokenVerifier, type Verified } from '@ml/auth';
import type { SecurityLog } from '../security/security-log.js';
import type { GraphQLHttpOptions } from './graphql-http.driver.js';
import type { Limits, TrustProxy } from './limits.js';
import type { Metrics } from '../metrics/metrics.js';

/** Who the caller is, from `Authorization: Bearer <token>`; no header: a public reader. */
async function authenticate(
  verifier: TokenVerifier,
  authorization: unknown,
): Promise<Verified | null> {
  if (authorization == null || authorization === '') return null;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  try {
    if (!match) throw new InvalidToken('The Authorization header must be "Bearer <token>"');
    return await verifier.verify(match[1]!);
  } catch (error) {
    throw new GraphQLError(
      error instanceof InvalidToken ? error.message : 'The token could not be checked',
      {
        extensions: { code: 'UNAUTHENTICATED' },
      },
    );
  }
}

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
  metrics: Metrics,
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
    metrics,
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
