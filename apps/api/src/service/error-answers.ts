import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { BODY_ERRORS, errorBody } from '../graphql/request-errors.js';
import { httpScope } from '../logging/request-scope.js';
import type { SecurityLog } from '../security/security-log.js';

/** The code of a refusal that names none of its own, by its HTTP status. */
const CODE_OF_STATUS: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'LIMIT_EXCEEDED',
  429: 'RATE_LIMITED',
};

/** The HTTP status of a GraphQL error answered outside GraphQL, by its code. */
const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** The methods a path may answer (not OPTIONS: every path answers CORS preflights). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

const INTERNAL = 'Internal server error; the request was not completed';

interface Answer {
  status: number;
  message: string;
  extensions: Record<string, unknown> & { code: string };
  headers?: Record<string, string>;
}

/**
 * Every error the server answers outside the GraphQL route (which answers its own) has the
 * shape of a GraphQL error, as docs/api.md says: `{ errors: [{ message, extensions: { code }
 * }] }`. That holds for unknown paths (NOT_FOUND; a known path asked with another method is
 * 405 with `Allow`), for refusals of the controllers (`/metrics` without its token) and of
 * Fastify (a body it cannot take), and for faults of ours, which are logged and not shown.
 * Terminus' readiness answer (503) keeps its documented body. In GraphQL resolvers, a
 * refusal (a GraphQLError) is the client's answer, not a fault Nest should log.
 */
@Catch()
export class ErrorAnswers implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');

  constructor(
    /** LIMIT_BODY_BYTES, said when a body is refused as too large. */
    private readonly bodyBytes: number,
    private readonly security: SecurityLog,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    // Nest then logs what is not a GraphQLError, and GraphQL answers it as its own fault.
    if (host.getType() !== 'http') return exception instanceof GraphQLError ? exception : undefined;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) {
      this.logger.error(exception);
      reply.raw.destroy();
      return undefined;
    }
    if (isHealthAnswer(exception)) {
      void reply.status(503).send(exception.getResponse());
      return undefined;
    }
    const answer = this.answerTo(exception, request, reply);
    httpScope(request, answer.extensions.code);
    if (answer.status >= 500) this.logger.error(exception);
    void reply
      .status(answer.status)
      .headers(answer.headers ?? {})
      .type('application/json; charset=utf-8')
      .send(errorBody(answer.message, answer.extensions));
    return undefined;
  }

  private answerTo(exception: unknown, request: FastifyRequest, reply: FastifyReply): Answer {
    if (exception instanceof GraphQLError) {
      const code = String(exception.extensions.code ?? 'BAD_REQUEST');
      const status = STATUS_OF_CODE[code] ?? 400;
      return status >= 500
        ? { status, message: INTERNAL, extensions: { code: 'INTERNAL_SERVER_ERROR' } }
        : { status, message: exception.message, extensions: { ...exception.extensions, code } };
    }
    // Nest's router found no route for this request (Fastify marks it).
    if (request.is404 && exception instanceof HttpException && exception.getStatus() === 404)
      return unknownRoute(request, reply);
    // A refusal of Fastify's (a body it cannot take) comes as an error with a status and a
    // code, or handed on by Nest as the cause of an HttpException.
    const refusal = (exception instanceof HttpException ? exception.cause : exception) as
      { code?: unknown; statusCode?: unknown } | undefined;
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : exception instanceof Error && typeof refusal?.statusCode === 'number'
          ? refusal.statusCode
          : 500;
    if (status >= 500)
      return { status, message: INTERNAL, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    if (refusal?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const message = `The request body is larger than ${this.bodyBytes} bytes`;
      const extensions = { code: 'LIMIT_EXCEEDED', limit: 'bodyBytes', max: this.bodyBytes };
      this.security.refusedRequest(request, extensions.code, message, {
        limit: extensions.limit,
        max: extensions.max,
      });
      return { status, message, extensions };
    }
    const message =
      (typeof refusal?.code === 'string' ? BODY_ERRORS[refusal.code] : undefined) ??
      (exception as Error).message;
    return { status, message, extensions: { code: CODE_OF_STATUS[status] ?? 'BAD_REQUEST' } };
  }
}

/** A path nothing answers (NOT_FOUND), or one asked with a method it does not answer (405). */
function unknownRoute(request: FastifyRequest, reply: FastifyReply): Answer {
  const path = request.url.split('?', 1)[0]!;
  // Quoted back no longer than a person reads (the URL may be 16 KiB long).
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  const allowed = METHODS.filter(
    (method) => method !== request.method && reply.server.findRoute({ method, url: path }),
  );
  if (allowed.length === 0)
    return {
      status: 404,
      message: `There is nothing at ${request.method} ${shown}; GraphQL is served at /graphql`,
      extensions: { code: 'NOT_FOUND' },
    };
  return {
    status: 405,
    message: `${shown} answers ${allowed.join(', ')}, not ${request.method}`,
    extensions: { code: 'BAD_REQUEST' },
    headers: { allow: allowed.join(', ') },
  };
}

/** Terminus' readiness answer when something is down: its documented body, kept as it is. */
function isHealthAnswer(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return false;
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'status' in body && 'details' in body;
}
