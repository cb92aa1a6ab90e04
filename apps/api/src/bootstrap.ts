import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import { limitsFromEnv, trustProxyFromEnv } from './graphql/limits.js';

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
  app.enableShutdownHooks();
  return app;
}
