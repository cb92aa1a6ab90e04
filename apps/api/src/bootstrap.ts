import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import {
  maxHeaderSize,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { loadConfiguration, type Configuration } from '@ml/config';
import { limitsOf, trustProxyOf, type Limits, type TrustProxy } from './graphql/limits.js';
import { errorBody } from './graphql/request-errors.js';
import { NativeLogger, PinoLogger } from 'nestjs-pino';
import { logRequests } from './logging/request-log.js';
import { logSettingsOf, startupLogger } from './logging/logging.js';
import { SecurityLog } from './security/security-log.js';
import { correlationIdOf, requestScope } from './logging/request-scope.js';
import { acceptOnlyUtf8 } from './service/utf8-input.js';

/** Builds the application without listening, so tests and `main` start it the same way. */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  const configuration = options.configuration ?? loadConfiguration();
  const limits = options.limits ?? limitsOf(configuration);
  const trust = options.trust ?? trustProxyOf(configuration);
  const logging = options.logging ?? logSettingsOf(configuration);
  const security = new SecurityLog();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      ...options,
      configuration,
      limits,
      trust,
      logging,
      security,
      explorer: options.explorer ?? configuration.GRAPHQL_EXPLORER === 'on',
    }),
    new FastifyAdapter({
      // A client has this long to send a whole request (slow senders hold no socket forever).
      requestTimeout: limits.requestMs,
      bodyLimit: limits.bodyBytes,
      trustProxy: trust,
      clientErrorHandler: answerUnreadableRequest(limits, security),
      // A URL whose percent-escapes are not UTF-8 is answered as every other client error.
      frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
        void reply
          .status(400)
          .type('application/json; charset=utf-8')
          .send(
            errorBody(
              error.code === 'FST_ERR_BAD_URL'
                ? "The request's path is not valid: its percent-escapes are not UTF-8"
                : 'The request cannot be read',
              { code: 'BAD_REQUEST' },
            ),
          ),
    }),
    // What Nest says while it starts waits for the application's logger (LOG_LEVEL, LOG_FORMAT).
    { abortOnError: false, bufferLogs: true, logger: startupLogger(logging) },
  );
  app.useLogger(app.get(NativeLogger));
  logRequests(app.getHttpAdapter().getInstance() as FastifyInstance, PinoLogger.root);
  await protectBrowsers(app, configuration);
  acceptOnlyUtf8(app, limits.bodyBytes);
  challengeUnauthenticated(app.getHttpAdapter().getInstance() as FastifyInstance);
  limitConnections(app.getHttpServer() as Server, limits, trust, security);
  return app;
}

/**
 * What browsers need to keep their users safe: security headers on every answer (helmet's;
 * the API's answers are no pages, so its content policy allows nothing and no page may frame
 * it; the explorer's page and files replace it with their own, see explorer.ts), and
 * cross-origin access
 * only for the origins in CORS_ORIGINS (none by default: same origin only). Mutations over
 * GET and text/plain or form posts are refused by the GraphQL route itself (no CSRF).
 */
async function protectBrowsers(
  app: NestFastifyApplication,
  configuration: Configuration,
): Promise<void> {
  // helmet decides the headers once; set as one fixed set in a synchronous hook, they cost
  // a request little (an async onSend hook cost a third of a small request's throughput).
  const headers = securityHeaders();
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook(
    'onRequest',
    (_request, reply, done) => {
      void reply.headers(headers);
      done();
    },
  );
  app.enableCors({
    origin: configuration.CORS_ORIGINS ?? [],
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'accept', 'authorization', 'x-correlation-id'],
    maxAge: 600,
    // An OPTIONS that is no preflight goes on to the routes (405 or 404, in the one shape of
    // errors) instead of a plain-text 400.
    strictPreflight: false,
  });
}

/**
 * Every 401 says how to authenticate (RFC 9110: `WWW-Authenticate`), on every route: GraphQL,
 * the exports, /metrics. (Synchronous: an async hook would cost every answer a promise.)
 */
function challengeUnauthenticated(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate'))
      void reply.header('www-authenticate', 'Bearer');
    done(null, payload);
  });
}

function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: (name: string) => delete headers[name],
  };
  // The headers that matter for an API answering JSON (OWASP's REST advice); those for web
  // pages (prefetching, downloads, cross-domain policies, old XSS filters) are left out.
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  })({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * A request Node cannot read (headers or URL too large, not HTTP, too slow) is still
 * answered the GraphQL way: a message and a code, as every other refusal; a limit it hit
 * goes to the security log.
 */
const answerUnreadableRequest =
  (limits: Limits, security: SecurityLog) =>
  (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message, limit]: [number, string, { limit: string; max: number }?] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            `The request's headers (the URL too) are larger than ${maxHeaderSize} bytes; send the query in a POST body`,
            { limit: 'headerBytes', max: maxHeaderSize },
          ]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [
              408,
              `The request was not sent in time: its headers within ${headersMsOf(limits)} ms, all of it within ${limits.requestMs} ms`,
              { limit: 'requestMs', max: limits.requestMs },
            ]
          : [400, 'The request is not valid HTTP'];
    const code = limit ? 'LIMIT_EXCEEDED' : 'BAD_REQUEST';
    if (limit)
      requestScope.run(
        { correlationId: correlationIdOf(undefined), address: socket.remoteAddress ?? 'unknown' },
        () => security.refused(code, message, limit),
      );
    const body = errorBody(message, { code, ...limit });
    if (socket.writable)
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    socket.destroy();
  };

/**
 * One address may hold only so many connections open (trusted proxies, which carry many
 * clients, excepted), and a connection must send its headers promptly: half-sent requests
 * from one client cannot use up the server's sockets.
 */
function limitConnections(
  server: Server,
  limits: Limits,
  trust: TrustProxy,
  security: SecurityLog,
): void {
  server.headersTimeout = headersMsOf(limits);
  // Node checks those times only every 30 s unless told otherwise (read when it starts
  // listening): a slow sender would hold its connection up to 30 s beyond its time.
  const checkEvery = Math.min(1_000, Math.max(100, limits.requestMs));
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    checkEvery;
  // A connection silent from the start: Node's header time begins only with a first byte.
  const silentMs = server.headersTimeout + 2 * checkEvery;
  const open = new Map<string, number>();
  // Logged as every refusal (SecurityLog counts repeats instead of logging each).
  const logRefused = (address: string) =>
    requestScope.run({ correlationId: correlationIdOf(undefined), address }, () =>
      security.refused('LIMIT_EXCEEDED', 'a connection beyond the connections per address', {
        limit: 'connectionsPerAddress',
        max: limits.connectionsPerAddress,
      }),
    );
  server.on('request', (request: IncomingMessage) => request.socket.setTimeout(0));
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (trust(address, 0)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.connectionsPerAddress) {
      socket.destroy();
      logRefused(address);
      return;
    }
    open.set(address, count);
    // A connection that says nothing is closed about when the headers' time would be up
    // (after Node's own check, which answers a half-sent request with 408). Cleared when a
    // request's headers are in (its own times go on: LIMIT_REQUEST_MS, then keep-alive),
    // or by the WebSocket upgrade.
    socket.setTimeout(silentMs);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/** How long a client has to send a request's headers: LIMIT_REQUEST_MS, at most 10 s. */
const headersMsOf = (limits: Limits) => Math.min(10_000, limits.requestMs);
