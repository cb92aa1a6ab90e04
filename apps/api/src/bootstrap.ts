import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';

/** Builds the application without listening, so tests and `main` start it the same way. */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    new FastifyAdapter(),
    {
      abortOnError: false,
      logger: process.env.LOG_LEVEL === 'silent' ? false : undefined,
    },
  );
  app.enableShutdownHooks();
  return app;
}
