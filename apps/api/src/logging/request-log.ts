import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import { scopeOfRequest } from './request-scope.js';

/** Requests that come every few seconds from machines: logged at debug, not info. */
const isProbe = (path: string) => path.startsWith('/health') || path.startsWith('/metrics');

/**
 * One line per HTTP request, when its answer has been sent: what was asked (the GraphQL
 * operation, never its variables or the query string) by whom, how it went and how long it
 * took, under the correlation id its events carry. A client's mistake is an outcome at info;
 * only a fault of ours (status 500 and up, or INTERNAL_SERVER_ERROR) is an error.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?', 1)[0]!;
    const scope = scopeOfRequest(request.raw);
    const level: Level = isProbe(path)
      ? 'debug'
      : reply.statusCode >= 500 || scope.outcome === 'INTERNAL_SERVER_ERROR'
        ? 'error'
        : 'info';
    if (logger.isLevelEnabled(level))
      logger[level](lineOf(request, reply, path), messageOf(request, reply, path));
    done();
  });
}

function lineOf(request: FastifyRequest, reply: FastifyReply, path: string) {
  const scope = scopeOfRequest(request.raw);
  const operation = scope.operation;
  return {
    correlationId: scope.correlationId,
    ...(scope.userId ? { userId: scope.userId } : {}),
    method: request.method,
    path,
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ...(operation
      ? {
          operationType: operation.type,
          ...(operation.name ? { operationName: operation.name } : {}),
          field: operation.field,
        }
      : {}),
    outcome: scope.outcome ?? (reply.statusCode < 400 ? 'ok' : `HTTP_${reply.statusCode}`),
    address: request.ip,
  };
}

function messageOf(request: FastifyRequest, reply: FastifyReply, path: string): string {
  const operation = scopeOfRequest(request.raw).operation;
  return `${request.method} ${path} ${reply.statusCode}${operation ? ` ${operation.type} ${operation.name ?? operation.field}` : ''}`;
}
