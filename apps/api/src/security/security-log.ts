import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { httpScope, requestScope } from '../logging/request-scope.js';

/** Error codes that say someone was kept out or held back. */
const SECURITY_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'LIMIT_EXCEEDED', 'RATE_LIMITED']);

/**
 * The security log: refused authentications and authorizations and limits hit, one
 * structured line each at warning level, with the client's address (the correlation id
 * and user come with every line logged in a request), and never a token.
 */
export class SecurityLog {
  private readonly logger = new Logger('Security');

  /** Logs an error a client gets, if its code is one of the security codes. */
  error(code: unknown, message: string, extra: Record<string, unknown> = {}): void {
    if (typeof code === 'string' && SECURITY_CODES.has(code)) this.refused(code, message, extra);
  }

  refused(code: string, message: string, extra: Record<string, unknown> = {}): void {
    const scope = requestScope.getStore();
    this.logger.warn(`refused: ${message}`, {
      code,
      ...(scope ? { address: scope.address } : {}),
      ...extra,
    });
  }

  /** A refusal of an HTTP route outside GraphQL (exports, metrics), under its request's scope. */
  refusedRequest(
    request: FastifyRequest,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ): void {
    requestScope.run(httpScope(request, code), () => this.error(code, message, extra));
  }
}

/** The application's one security log, for every route that refuses someone. */
@Global()
@Module({})
export class SecurityLogModule {
  static forRoot(security: SecurityLog): DynamicModule {
    return {
      module: SecurityLogModule,
      providers: [{ provide: SecurityLog, useValue: security }],
      exports: [SecurityLog],
    };
  }
}
