import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Configuration } from '@ml/config';
import type { Params } from 'nestjs-pino';
import { destination, stdTimeFunctions, type LevelWithSilent, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { requestScope } from './request-scope.js';

export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  /** LOG_LEVEL: the least severe level written. */
  level: LevelWithSilent;
  /** LOG_FORMAT: one JSON object a line, or coloured text for a person at a terminal. */
  format: LogFormat;
}

/** LOG_LEVEL, and LOG_FORMAT (unset: `pretty` when standard output is a terminal, `json` otherwise). */
export function logSettingsOf(
  configuration: Configuration,
  terminal = process.stdout.isTTY === true,
): LogSettings {
  return {
    level: configuration.LOG_LEVEL,
    format: configuration.LOG_FORMAT ?? (terminal ? 'pretty' : 'json'),
  };
}

/**
 * Where a token could sit in what is logged: never written, whatever logs it. Named paths
 * only: a wildcard (`*.token`) would have every line copied and searched (3 % of a small
 * request's time), and nothing here logs a token deeper down.
 */
const SECRETS = ['authorization', 'token', 'connectionParams', 'headers.authorization'];

/** pino's options: level, format, the request's correlation id and user, no secrets. */
export function loggerOptions(settings: LogSettings): LoggerOptions {
  return {
    level: settings.level,
    redact: { paths: SECRETS, censor: '[redacted]' },
    mixin: () => {
      const scope = requestScope.getStore();
      if (!scope) return {};
      return scope.userId
        ? { correlationId: scope.correlationId, userId: scope.userId }
        : { correlationId: scope.correlationId };
    },
    ...(settings.format === 'json'
      ? {
          timestamp: stdTimeFunctions.isoTime,
          formatters: { level: (label: string) => ({ level: label }) },
        }
      : {}),
  };
}

/**
 * nestjs-pino's settings: every line (Nest's own, the libraries' through Nest's Logger, the
 * security log, the request lines of request-log.ts) goes through one pino logger. A line
 * logged while a request or WebSocket operation is served carries its correlation id and
 * user, from `requestScope`: nestjs-pino's request context comes with pino-http as Nest
 * middleware, which on Fastify loses its context once a POST body is read and cost a third
 * of a small request's time, so it is not used (no routes); the request line is a Fastify
 * hook. The logger is one per process: nestjs-pino keeps the first one made.
 */
export function loggerParams(settings: LogSettings): Params {
  const options = loggerOptions(settings);
  return {
    // Written at once (as console.log to a pipe or file would be), so that no line is lost
    // when the process ends on a signal; pretty text is coloured only for a terminal, so a
    // file never holds escape codes.
    pinoHttp: [
      options,
      settings.format === 'pretty'
        ? pretty({
            colorize: process.stdout.isTTY === true,
            translateTime: 'SYS:HH:MM:ss.l',
            ignore: 'pid,hostname',
            messageFormat: '{if context}{context}: {end}{msg}',
            sync: true,
          })
        : destination({ dest: 1, sync: true }),
    ],
    forRoutes: [],
    // Plain objects after a message (Nest 12's structured parameters) become fields of the line.
    nativeLogger: { flattenParams: true },
  };
}

/** Nest's levels from the least severe one written (pino's names). */
const NEST_LEVELS: Record<LevelWithSilent, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Nest's own logger, for what it says before the application's logger exists: only when the
 * start fails there (its buffered lines are then written by this one). Same level and
 * format, so that even then a file gets JSON lines and no escape codes.
 */
export function startupLogger(settings: LogSettings): ConsoleLogger {
  return new ConsoleLogger({
    logLevels: NEST_LEVELS[settings.level],
    json: settings.format === 'json',
    colors: settings.format === 'pretty' && process.stdout.isTTY === true,
  });
}
