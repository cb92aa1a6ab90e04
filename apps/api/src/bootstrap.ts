import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import helmet from '@fastify/helmet';
import { corsOriginsFromEnv, limitsFromEnv, trustProxyFromEnv } from './graphql/limits.js';

/** Builds the application without listening, so tests and `main` start it the same way. */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  const limits = options.limits ?? limitsFromEnv();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ ...options, limits }),
    new FastifyAdapter({
      // A client has this long to send a whole request (slow senders hold no socket forever).
      requestTimeout: limits.requestMs,
      bodyLimit: limits.bodyBytes,
      trustProxy: trustProxyFromEnv(),
    }),
    {
      abortOnError: false,
      logger: process.env.LOG_LEVEL === 'silent' ? false : undefined,
    },
  );
  await protectBrowsers(app);
  app.enableShutdownHooks();
  return app;
}

/**
 * What browsers need to keep their users safe: security headers on every answer (helmet;
 * the API serves no pages, so its content policy allows nothing), and cross-origin access
 * only for the origins in CORS_ORIGINS (none by default: same origin only). Mutations over
 * GET and text/plain or form posts are refused by the GraphQL route itself (no CSRF).
 */
async function protectBrowsers(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const origins = corsOriginsFromEnv();
  app.enableCors({
    origin: origins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'accept', 'authorization', 'x-correlation-id'],
    maxAge: 600,
  });
}
