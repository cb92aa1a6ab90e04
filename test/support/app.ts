import 'reflect-metadata';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfiguration } from '@ml/config';
import type { EventStoreConfig } from '@ml/event-store';
import { createApp } from '../../apps/api/src/bootstrap.js';
import type { AppOptions } from '../../apps/api/src/app.module.js';
import { loadOrCreateSigningKey, issueToken } from '@ml/auth';
import { DEFAULT_LIMITS, type Limits } from '../../apps/api/src/graphql/limits.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: string[] }>;
}

/** The real server, started in this process on a free port, with its data in `dataDir`. */
export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  wsUrl: string;
  token(userId: string, options?: { administrator?: boolean; ttl?: string }): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function startApp(
  dataDir: string,
  limits: Partial<Limits> = {},
  /** Other settings than the environment's (metrics, readiness). */
  options: Pick<AppOptions, 'metrics' | 'readiness'> = {},
): Promise<RunningApp> {
  const eventStore: EventStoreConfig = {
    engine: 'sqlite',
    dataDir,
    file: join(dataDir, 'events.sqlite'),
    durability: 'FULL',
  };
  // Tests send many requests from one address, as fast as they can: rates are not theirs to
  // test here (the limits suite does), so they are off unless a test names them.
  const app = await createApp({
    configuration: loadConfiguration({ ...process.env, LOG_LEVEL: 'silent' }),
    ...options,
    eventStore,
    limits: { ...DEFAULT_LIMITS, requestsPerMinute: 0, mutationsPerMinute: 0, ...limits },
  });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  const key = await loadOrCreateSigningKey(dataDir);
  return {
    app,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    token: (userId, options = {}) =>
      issueToken(
        key,
        { userId, roles: options.administrator ? ['administrator'] : [] },
        options.ttl ?? '12h',
      ),
    async gql(query, variables, token) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    close: () => app.close(),
  };
}

/** The data of a response that must have succeeded. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length)
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data!;
}
