import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import type { FastifyInstance } from 'fastify';
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

/** Builds the application without listening, so tests and `main` start it the same way. */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  const configuration = options.configuration ?? loadConfiguration();
  const limits = options.limits ?? limitsOf(configuration);
  const trust = options.trust ?? trustProxyOf(configuration);
  const logging = options.logging ?? logSettingsOf(configuration);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      ...options,
      configuration,
      limits,
      trust,
      logging,
      explorer: options.explorer ?? configuration.GRAPHQL_EXPLORER === 'on',
    }),
    new FastifyAdapter({
      // A client has this long to send a whole request (slow senders hold no socket forever).
      requestTimeout: limits.requestMs,
      bodyLimit: limits.bodyBytes,
      trustProxy: trust,
      clientErrorHandler: answerUnreadableRequest(limits),
    }),
    // What Nest says while it starts waits for the application's logger (LOG_LEVEL, LOG_FORMAT).
    { abortOnError: false, bufferLogs: true, logger: startupLogger(logging) },
  );
  app.useLogger(app.get(NativeLogger));
  logRequests(app.getHttpAdapter().getInstance() as FastifyInstance, PinoLogger.root);
  await protectBrowsers(app, configuration);
  limitConnections(app.getHttpServer() as Server, limits, trust);
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
 * answered the GraphQL way: a message and a code, as every other refusal.
 */
const answerUnreadableRequest =
  (limits: Limits) =>
  (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            errorBody(
              `The request's headers (the URL too) are larger than ${maxHeaderSize} bytes; send the query in a POST body`,
              { code: 'LIMIT_EXCEEDED', limit: 'headerBytes', max: maxHeaderSize },
            ),
          ]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [
              408,
              errorBody(`The request was not sent whole within ${limits.requestMs} ms`, {
                code: 'LIMIT_EXCEEDED',
                limit: 'requestMs',
                max: limits.requestMs,
              }),
            ]
          : [400, errorBody('The request is not valid HTTP', { code: 'BAD_REQUEST' })];
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
function limitConnections(server: Server, limits: Limits, trust: TrustProxy): void {
  server.headersTimeout = Math.min(10_000, limits.requestMs);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (trust(address, 0)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.connectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
