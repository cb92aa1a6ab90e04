import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** What is known of the request being served, wherever its work goes on (async). */
export interface RequestScope {
  /** The client's `x-correlation-id` if it sent a sensible one, else a new one; events carry it. */
  correlationId: string;
  /** The client's address as the server sees it. */
  address: string;
  /** Set once the token is verified. */
  userId?: string;
  /** The operation it runs, once its document is read (for the request's log line). */
  operation?: { type: string; name?: string; field: string };
  /** The code of the first error it answered with, if any. */
  outcome?: string;
  /** When a WebSocket operation began (`performance.now()`); an HTTP request's log times it. */
  startedAt?: number;
}

/** The scope of the request or WebSocket operation whose work is running. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/** The client's correlation id if it is a sensible one, else a new one. */
export const correlationIdOf = (value: unknown): string =>
  typeof value === 'string' && /^[\w.:-]{1,100}$/.test(value) ? value : randomUUID();

const scopes = new WeakMap<IncomingMessage, RequestScope>();

/**
 * The one scope of an HTTP request, made by whoever asks first (the request log when the
 * request arrives, or the GraphQL route), so that both name it by the same correlation id.
 */
export function scopeOfRequest(request: IncomingMessage): RequestScope {
  let scope = scopes.get(request);
  if (!scope) {
    scope = {
      correlationId: correlationIdOf(request.headers['x-correlation-id']),
      address: request.socket?.remoteAddress ?? 'unknown',
    };
    scopes.set(request, scope);
  }
  return scope;
}

/**
 * The scope of an HTTP request as a route sees it: the same one its log line reads (one
 * correlation id), with the client's address as the trusted proxies tell it.
 */
export function httpScope(request: FastifyRequest, outcome?: string): RequestScope {
  const scope = scopeOfRequest(request.raw);
  scope.address = request.ip;
  if (outcome) scope.outcome ??= outcome;
  return scope;
}
