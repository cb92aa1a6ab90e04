import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { httpScope, requestScope } from '../logging/request-scope.js';

/** Error codes that say someone was kept out or held back. */
const SECURITY_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'LIMIT_EXCEEDED', 'RATE_LIMITED']);

/** How long repeats of one refusal are counted instead of logged one by one. */
export const REPEATS_INTERVAL_MS = 10_000;
/** Refusals told apart at once; beyond, repeats are only counted together. */
const TRACKED = 10_000;

interface Repeats {
  code: string;
  address?: string;
  limit?: unknown;
  message: string;
  count: number;
}

/**
 * The security log: refused authentications and authorizations and limits hit, one
 * structured line each at warning level, with the client's address (the correlation id
 * and user come with every line logged in a request), and never a token. A flood must not
 * become a flood of log lines: the same refusal of the same address (its code and limit,
 * or its message) is logged the first time, then counted, and told once every 10 s with
 * how many more there were.
 */
export class SecurityLog {
  private readonly logger = new Logger('Security');
  private readonly recent = new Map<string, Repeats>();
  private untracked = 0;
  private telling?: NodeJS.Timeout;

  constructor(private readonly repeatsIntervalMs = REPEATS_INTERVAL_MS) {}

  /** Logs an error a client gets, if its code is one of the security codes. */
  error(code: unknown, message: string, extra: Record<string, unknown> = {}): void {
    if (typeof code === 'string' && SECURITY_CODES.has(code)) this.refused(code, message, extra);
  }

  refused(code: string, message: string, extra: Record<string, unknown> = {}): void {
    const address = requestScope.getStore()?.address;
    const key = `${address}\u0000${code}\u0000${String(extra.limit ?? message)}`;
    const seen = this.recent.get(key);
    if (seen) {
      seen.count++;
      seen.message = message;
      return;
    }
    if (this.recent.size >= TRACKED) {
      this.untracked++;
      return;
    }
    this.recent.set(key, { code, address, limit: extra.limit, message, count: 0 });
    // Started outside this request's scope: the lines it tells belong to no one request.
    this.telling ??= requestScope.exit(() =>
      setInterval(() => this.tellRepeats(), this.repeatsIntervalMs).unref(),
    );
    this.logger.warn(`refused: ${message}`, {
      code,
      ...(address !== undefined ? { address } : {}),
      ...extra,
    });
  }

  private tellRepeats(): void {
    let told = false;
    for (const { code, address, limit, message, count } of this.recent.values())
      if (count > 0) {
        told = true;
        this.logger.warn(
          `refused ${count} more ${count === 1 ? 'time' : 'times'} in ${this.repeatsIntervalMs / 1000} s: ${message}`,
          {
            code,
            ...(address !== undefined ? { address } : {}),
            ...(limit !== undefined ? { limit } : {}),
            repeated: count,
          },
        );
      }
    if (this.untracked > 0) {
      told = true;
      this.logger.warn(
        `refused ${this.untracked} more requests in ${this.repeatsIntervalMs / 1000} s, of more addresses and kinds than are told apart`,
        { repeated: this.untracked },
      );
    }
    this.recent.clear();
    this.untracked = 0;
    if (!told) {
      clearInterval(this.telling);
      this.telling = undefined;
    }
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
