import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';

/** What is known of the request being served, wherever its work goes on (async). */
export interface RequestScope {
  correlationId: string;
  /** The client's address as the server sees it. */
  address: string;
  /** Set once the token is verified. */
  userId?: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** The client's correlation id if it is a sensible one, else a new one. */
export const correlationIdOf = (value: unknown): string =>
  typeof value === 'string' && /^[\w.:-]{1,100}$/.test(value) ? value : randomUUID();

/** Error codes that say someone was kept out or held back. */
const SECURITY_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'LIMIT_EXCEEDED', 'RATE_LIMITED']);

/**
 * The security log: refused authentications and authorizations and limits hit, one
 * structured line each (JSON after the text), with the correlation id and the client's
 * address, and never a token.
 */
export class SecurityLog {
  private readonly logger = new Logger('Security');

  /** Logs an error a client gets, if its code is one of the security codes. */
  error(code: unknown, message: string, extra: Record<string, unknown> = {}): void {
    if (typeof code === 'string' && SECURITY_CODES.has(code)) this.refused(code, message, extra);
  }

  refused(code: string, message: string, extra: Record<string, unknown> = {}): void {
    const scope = requestScope.getStore();
    this.logger.warn(
      `refused ${JSON.stringify({
        code,
        message,
        ...(scope ? { correlationId: scope.correlationId, address: scope.address } : {}),
        ...(scope?.userId ? { userId: scope.userId } : {}),
        ...extra,
      })}`,
    );
  }
}
