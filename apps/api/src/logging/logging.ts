import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleLogger, RequestMethod, type LogLevel } from '@nestjs/common';
import { ConfigurationError } from '@ml/event-store';
import type { Params } from 'nestjs-pino';
import {
  destination,
  stdSerializers,
  stdTimeFunctions,
  type LevelWithSilent,
  type LoggerOptions,
} from 'pino';
import pretty from 'pino-pretty';
import { requestScope, scopeOfRequest } from './request-scope.js';

export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  /** LOG_LEVEL: the least severe level written. */
  level: LevelWithSilent;
  /** LOG_FORMAT: one JSON object a line, or coloured text for a person at a terminal. */
  format: LogFormat;
}

const LEVELS: LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const FORMATS: LogFormat[] = ['json', 'pretty'];

/**
 * LOG_LEVEL (default `info`) and LOG_FORMAT (default `pretty` when standard output is a
 * terminal, `json` otherwise); a bad value stops the start with one line.
 */
export function logSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  terminal = process.stdout.isTTY === true,
): LogSettings {
  const level = (env.LOG_LEVEL || 'info').trim().toLowerCase() as LevelWithSilent;
  if (!LEVELS.includes(level))
    throw new ConfigurationError(
      `LOG_LEVEL must be one of ${LEVELS.join(', ')}, not '${env.LOG_LEVEL}'`,
    );
  const format = (env.LOG_FORMAT || (terminal ? 'pretty' : 'json')).trim().toLowerCase();
  if (!FORMATS.includes(format as LogFormat))
    throw new ConfigurationError(
      `LOG_FORMAT must be one of ${FORMATS.join(', ')}, not '${env.LOG_FORMAT}'`,
    );
  return { level, format: format as LogFormat };
}

/** Requests that come every few seconds from machines: logged at debug, not info. */
const isProbe = (url: string | undefined) =>
  url !== undefined && (url.startsWith('/health') || url.startsWith('/metrics'));

const pathOf = (url: string | undefined) => (url ?? '').split('?', 1)[0]!;

/** The URL as sent (middie shortens `url` while its middleware runs). */
const urlOf = (req: IncomingMessage) => (req as { originalUrl?: string }).originalUrl ?? req.url;

/**
 * The HTTP request's one line, when its answer is sent: what was asked (the GraphQL
 * operation, never its variables or the query string) by whom, how it went and how long it
 * took, under the correlation id its events carry. The client's mistakes are outcomes at
 * info; only a fault of ours (status 500 and up, or INTERNAL_SERVER_ERROR) is an error.
 */
function requestLine(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const scope = scopeOfRequest(req);
  return {
    correlationId: scope.correlationId,
    ...(scope.userId ? { userId: scope.userId } : {}),
    method: req.method,
    path: pathOf(urlOf(req)),
    status: res.statusCode,
    durationMs,
    ...(scope.operation
      ? {
          operationType: scope.operation.type,
          ...(scope.operation.name ? { operationName: scope.operation.name } : {}),
          field: scope.operation.field,
        }
      : {}),
    outcome: scope.outcome ?? (res.statusCode < 400 ? 'ok' : `HTTP_${res.statusCode}`),
    address: scope.address,
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

const requestMessage = (req: IncomingMessage, res: ServerResponse) => {
  const operation = scopeOfRequest(req).operation;
  return `${req.method} ${pathOf(urlOf(req))} ${res.statusCode}${operation ? ` ${operation.type} ${operation.name ?? operation.field}` : ''}`;
};

/** Where a token could sit in what is logged: never written, whatever logs it. */
const SECRETS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'connectionParams',
  '*.connectionParams',
];

/**
 * nestjs-pino's settings: every line (Nest's own, the libraries' through Nest's Logger, the
 * security log, the request lines) goes through one pino logger. A line logged while a
 * request or WebSocket operation is being served carries its correlation id and user
 * (from `requestScope`: nestjs-pino's own request context does not survive Fastify reading
 * a POST body). The logger is one per process: nestjs-pino keeps the first one made.
 */
export function loggerParams(settings: LogSettings): Params {
  const pinoOptions: LoggerOptions = {
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
  const httpOptions: NonNullable<Params['pinoHttp']> = {
    ...pinoOptions,
    // The request's own fields are written by requestLine; nothing of the raw request
    // (headers, query string) is bound to the lines logged during it.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined, err: stdSerializers.err },
    customLogLevel: (req, res, error) =>
      isProbe(urlOf(req))
        ? 'debug'
        : error || res.statusCode >= 500 || scopeOfRequest(req).outcome === 'INTERNAL_SERVER_ERROR'
          ? 'error'
          : 'info',
    customSuccessObject: (req, res, value: { responseTime: number }) =>
      requestLine(req, res, value.responseTime),
    customErrorObject: (req, res, error, value: { responseTime: number }) => ({
      ...requestLine(req, res, value.responseTime),
      // pino-http makes up an error for a status of 500 and up: only a real one is logged.
      ...((res as { err?: unknown }).err ? { err: error } : {}),
    }),
    customSuccessMessage: (req, res) => requestMessage(req, res),
    customErrorMessage: (req, res) => requestMessage(req, res),
  };
  return {
    // Written at once (as console.log to a pipe or file would be), so that no line is lost
    // when the process ends on a signal; pretty text is coloured only for a terminal, so a
    // file never holds escape codes.
    pinoHttp:
      settings.format === 'pretty'
        ? [
            httpOptions,
            pretty({
              colorize: process.stdout.isTTY === true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname',
              messageFormat: '{if context}{context}: {end}{msg}',
              sync: true,
            }),
          ]
        : [httpOptions, destination({ dest: 1, sync: true })],
    // nestjs-pino's default route ('{/*splat}') gets a slash put in front by @fastify/middie 9
    // and then matches no request: every path is named the way middie reads it.
    forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }],
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
