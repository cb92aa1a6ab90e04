import { Logger } from '@nestjs/common';
import { AbstractGraphQLDriver, type GqlModuleOptions } from '@nestjs/graphql';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  Kind,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { createHandler } from 'graphql-http/lib/use/fastify';
import type { Response as HttpAnswer } from 'graphql-http';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SecurityLog } from '../security/security-log.js';
import { originAllowed, upgradeRefusal } from '../security/origins.js';
import {
  correlationIdOf,
  httpScope,
  requestScope,
  scopeOfRequest,
  type RequestScope,
} from '../logging/request-scope.js';
import type { Metrics } from '../metrics/metrics.js';
import {
  costError,
  costOf,
  limitError,
  nesting,
  readsSchema,
  shapeRules,
  type Limits,
  type TrustProxy,
} from './limits.js';
import { Lru, nextSlice, type Budget } from '@ml/masterplan';
import { FixedWindow, Gate, GateFull } from './turns.js';
import { answerText } from './answer-text.js';
import { SubscriptionMessages } from './subscription-messages.js';
import { Explorer } from '../explorer/explorer.js';
import proxyaddr from 'proxy-addr';
import {
  BODY_ERRORS,
  OPERATION_ERRORS,
  REQUEST_ERRORS,
  STATUS_ERRORS,
  errorBody,
} from './request-errors.js';

/**
 * What the driver needs of a request's context: who asks, and what it may spend (its
 * read views spend it: a deadline for reads, objects and bytes for the answer).
 */
/** A request's context: the caller, and the budget its read views spend (see Budget). */
export interface CallerContext extends Budget {
  user: { userId: string; isAdministrator: boolean; expiresAt?: number } | null;
  /** The objects its answer was estimated to hold (see costOf). */
  estimatedCost?: number;
}

export interface GraphQLHttpOptions extends GqlModuleOptions {
  limits: Limits;
  /** Which proxies to believe about client addresses (TRUST_PROXY). */
  trust: TrustProxy;
  /** Whether a browser opening the path gets the explorer (GRAPHQL_EXPLORER). */
  explorer: boolean;
  security: SecurityLog;
  /** Web origins besides its own whose pages may open a WebSocket (CORS_ORIGINS). */
  corsOrigins: readonly string[];
  /** Told of each operation run, and counts what the WebSocket server holds open. */
  metrics: Pick<Metrics, 'operationFinished' | 'countOpenWith'>;
  /**
   * Who the caller is, from an `Authorization` value (a header, or the WebSocket's
   * connection_init payload): null without one; throws UNAUTHENTICATED for a bad token.
   */
  authenticate(authorization: unknown): Promise<CallerContext['user']>;
  /** The context of one operation by that caller. */
  contextFor(user: CallerContext['user'], correlationId: string): CallerContext;
  /** Every error a client sees passes here. */
  formatError(error: GraphQLError): GraphQLFormattedError;
  /**
   * Query results are cached per caller and per `version()` of the read models (their log
   * position): a new event makes every entry stale, so a cached answer is never older than
   * what a fresh execution would read. `bypass` names queries that change with the clock.
   */
  responseCache?: { version(): string; bypass(query: string): boolean };
}

const CACHED_DOCUMENTS = 1000;
const DOCUMENT_BYTES = 32 * 1024 * 1024;
/** About what one node of a parsed document holds in memory (with its location). */
const NODE_BYTES = 400;
const CACHED_RESPONSES = 200;
const RESPONSE_BYTES = 32 * 1024 * 1024;
/**
 * An estimate (see costOf) beyond which a query is large before it runs: half the default
 * cost limit, far beyond an everyday page (a masterplan with all its measures is estimated
 * at about 4,000, since unpaged lists count ten each).
 */
const LARGE_ESTIMATE = 10_000;

/**
 * The media type graphql-http chose for a request's answer, by the same rule (the first of
 * its Accept list it can write); a request that accepts neither was answered 406 before.
 */
function answerMediaType(accept: string | undefined): string {
  for (const entry of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [type, ...params] = entry.split(';');
    const charset = params.find((param) => param.includes('charset=')) ?? 'charset=utf-8';
    if (type === 'application/graphql-response+json' && charset === 'charset=utf-8')
      return 'application/graphql-response+json; charset=utf-8';
    if (
      (type === 'application/json' || type === 'application/*' || type === '*/*') &&
      (charset === 'charset=utf-8' || charset === 'charset=utf8')
    )
      return 'application/json; charset=utf-8';
  }
  return 'application/json; charset=utf-8';
}

/** An answer without errors, as graphql-http would send it, from its text written already. */
const answered = (request: { headers: unknown }, text: string): HttpAnswer => [
  text,
  {
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': answerMediaType((request.headers as { accept?: string }).accept),
    },
  },
];

/** Who an answer is for, as far as what they may read goes: '' for anyone without a token. */
const readerKey = (user: CallerContext['user']): string =>
  user ? `${user.userId}\u0000${user.isAdministrator}` : '';

/** How deep variables may nest: input types here are at most a few levels deep. */
const VARIABLES_DEPTH = 16;
/** A WebSocket close reason may be 123 bytes long. */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 120).toString();

/**
 * Serves the schema Nest builds from our resolvers with the reference implementations of
 * both protocols: GraphQL over HTTP (`graphql-http`, GET and POST on the same path) and
 * subscriptions over WebSocket (`graphql-ws`, the graphql-transport-ws subprotocol). Every
 * request is held to the limits before anything runs or is cached (docs/security.md).
 */
export class GraphQLHttpDriver extends AbstractGraphQLDriver<GraphQLHttpOptions> {
  private sockets?: WebSocketServer;
  private readonly requests = new Logger('Requests');
  private disposeSockets?: () => Promise<void> | void;

  async start(options: GraphQLHttpOptions): Promise<void> {
    const schema = options.schema!;
    const path = options.path ?? '/graphql';
    const { limits, security, trust } = options;
    const app = this.httpAdapterHost.httpAdapter.getInstance<FastifyInstance>();
    const explorer = options.explorer ? new Explorer(path) : undefined;
    explorer?.register(app);
    const documents = new Lru<string, DocumentNode>(CACHED_DOCUMENTS, DOCUMENT_BYTES);
    const shapes = shapeRules(limits);
    // The rules are fixed, so the document alone decides the outcome: remembered by document.
    const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
    const parseLimited = (text: string): DocumentNode => {
      let document = documents.get(text);
      if (!document) {
        document = parseWithin(limits, text);
        // A parsed document weighs far more than its text: weighed by its nodes.
        documents.set(text, document, nodesOf(document) * NODE_BYTES);
      }
      return document;
    };
    const validateLimited = (document: DocumentNode): readonly GraphQLError[] => {
      let errors = validated.get(document);
      if (!errors) {
        // The shape first, cheaply: GraphQL's own rules can cost a document's fields
        // squared (overlapping fields), so only a document of a sane shape gets them.
        errors = validate(schema, document, shapes);
        if (errors.length === 0) errors = validate(schema, document, specifiedRules);
        validated.set(document, errors);
      }
      return errors;
    };
    // "Did you mean …" tells a stranger the schema's names: kept only with introspection on.
    const suggestions = limits.introspection === 'on';
    const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
      errors.map((e) => {
        const formatted = options.formatError(e);
        const message = suggestions
          ? formatted.message
          : formatted.message.replace(/ ?Did you mean [^?]*\?$/, '');
        const code = formatted.extensions?.code;
        security.error(code, message, limitFields(formatted));
        const scope = requestScope.getStore();
        if (scope && scope.outcome === undefined && typeof code === 'string') scope.outcome = code;
        return { ...formatted, message };
      });

    // Answers of the read models' current position only: after a new event no key can
    // match an older entry again, so those go at once instead of holding memory.
    // Kept as their text, which is what a hit sends (a JS string may hold 2 bytes a character).
    const responses = new Lru<string, string>(CACHED_RESPONSES, RESPONSE_BYTES);
    let cachedAt: string | undefined;
    const cacheKeys = new WeakMap<object, string>();
    // A query's cache key by its context, the runs under way by key, and answers' texts.
    const keyOf = new WeakMap<object, string>();
    const runs = new Map<string, Promise<ExecutionResult>>();
    const texts = new WeakMap<ExecutionResult, string>();
    const callers = new WeakMap<object, CallerContext['user']>();
    const queries = new Gate(limits.concurrentQueries, limits.queuedQueries);
    // Of the queries running, one at a time may build a large answer (see Budget.grownLarge).
    const largeQueries = new Gate(1, limits.queuedQueries);
    const mutations = new FixedWindow(limits.mutationsPerMinute, 60_000);
    // Requests over HTTP and operations on WebSockets, per client address: one count.
    const requests = new FixedWindow(limits.requestsPerMinute, 60_000);
    // The HTTP request of an operation's context, and the wait of one refused for a rate.
    const requestOf = new WeakMap<object, FastifyRequest>();
    const rateLimitedFor = new WeakMap<FastifyRequest, number>();

    // Runs an operation that passed its limits. Queries, and each message of a
    // subscription, take turns, a few at a time, so that no flood of them keeps the server
    // from answering anything else in between or holds the memory of many answers at once.
    // An operation that went over its budget while it ran answers with that error alone.
    const run = async (args: ExecutionArgs): Promise<ExecutionResult> => {
      const context = args.contextValue as CallerContext;
      const query = getOperationAST(args.document, args.operationName)?.operation !== 'mutation';
      let result: ExecutionResult;
      let leaveLarge: (() => void) | undefined;
      if (query)
        context.grownLarge = async () => {
          try {
            leaveLarge = await largeQueries.enter();
          } catch (error) {
            if (error instanceof GateFull) throw (context.refusal ??= busy(limits));
            throw error;
          }
        };
      try {
        // Estimated to be large before it runs: it waits for its turn holding nothing but
        // its document, and its time to run starts when the turn comes.
        if (query && (context.estimatedCost ?? 0) > LARGE_ESTIMATE) {
          leaveLarge = await largeQueries.enter();
          context.large = true;
          if (context.executionMs !== undefined)
            context.deadline = Date.now() + context.executionMs;
        }
        // Each query and message begins in a slice of its own: a turn handed over by the
        // gate, or reads all answered from a shared view's loaders (400 subscribers of one
        // change), would otherwise run one after another without the event loop getting a
        // turn. (A mutation waited for its slice with its request, and then for the store.)
        const inSlice = async () => {
          const turn = nextSlice();
          if (turn) await turn;
          return execute(args);
        };
        result = (await (query ? queries.run(inSlice) : execute(args))) as ExecutionResult;
      } catch (error) {
        if (error instanceof GateFull) return { errors: [busy(limits)] };
        throw error;
      } finally {
        leaveLarge?.();
      }
      return context.refusal ? { errors: [context.refusal] } : result;
    };

    // What an operation took, told to the metrics by its type, root field and outcome.
    const timed = async (
      args: ExecutionArgs,
      work: () => Promise<ExecutionResult>,
    ): Promise<ExecutionResult> => {
      const started = performance.now();
      const result = await work();
      const operation = operationOf(args);
      options.metrics.operationFinished(
        operation.type,
        operation.field,
        outcomeOf(result),
        (performance.now() - started) / 1000,
      );
      return result;
    };

    const handler = createHandler<Record<string, unknown>>({
      schema,
      parse: (source) => parseLimited(typeof source === 'string' ? source : source.body),
      validate: (_schema, document) => validateLimited(document),
      onSubscribe: async (req, params) => {
        if (params.variables && nesting(params.variables, VARIABLES_DEPTH) > VARIABLES_DEPTH)
          return [
            limitError(
              'variablesDepth',
              VARIABLES_DEPTH,
              `The variables nest more than ${VARIABLES_DEPTH} levels deep`,
            ),
          ];
        // The token first: nothing is answered, not even from the cache, before it is verified.
        let user: CallerContext['user'];
        try {
          user = await options.authenticate(
            (req.headers as unknown as Record<string, string | undefined>).authorization,
          );
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED')
            return unauthorized(format([error]));
          throw error;
        }
        callers.set(req, user);
        const scope = requestScope.getStore();
        if (scope && user) scope.userId = user.userId;
        const context = { user };
        const cache = options.responseCache;
        if (!cache || cache.bypass(params.query)) return undefined;
        const version = cache.version();
        if (version !== cachedAt) {
          responses.clear();
          cachedAt = version;
        }
        const key = [
          version,
          readerKey(context.user),
          params.operationName ?? '',
          params.query,
          JSON.stringify(params.variables ?? {}),
        ].join('\u0000');
        const hit = responses.get(key);
        if (hit !== undefined) return answered(req, hit);
        cacheKeys.set(req, key);
        return undefined;
      },
      context: (req) => {
        const context = options.contextFor(
          callers.get(req) ?? null,
          requestScope.getStore()!.correlationId,
        );
        requestOf.set(context, req.raw);
        const key = cacheKeys.get(req);
        if (key !== undefined) keyOf.set(context, key);
        return context as unknown as Record<string, unknown>;
      },
      execute: async (args) => {
        const operation = operationOf(args);
        const scope = requestScope.getStore();
        if (scope) scope.operation = operation;
        const refused = refusal(schema, limits, args, mutations);
        const key = keyOf.get(args.contextValue as object);
        const result = await timed(args, async () => {
          if (refused) return { errors: [refused] };
          if (key === undefined || operation.type !== 'query') return run(args);
          // The same query asked again while it runs (fifty clients at once, none answered
          // from the cache yet) waits for that one run instead of running again.
          let running = runs.get(key);
          if (!running) {
            running = run(args);
            runs.set(key, running);
            // Kept until its answer is in the cache (onOperation), so that no one asking
            // meanwhile runs it again; a run that failed is forgotten at once.
            running.catch(() => runs.delete(key));
          }
          return running;
        });
        // Refused for a rate (mutations, or too many queries waiting): HTTP 429 says so too.
        const [first] = result.errors ?? [];
        const request = requestOf.get(args.contextValue as object);
        if (!result.data && first?.extensions.code === 'RATE_LIMITED' && request)
          rateLimitedFor.set(request, first.extensions.retryAfterSeconds as number);
        return result;
      },
      onOperation: async (req, args, result) => {
        // Written in slices: several megabytes written at once would hold everyone else.
        // An answer shared by queries that waited for one run is written once.
        let text = texts.get(result);
        if (text === undefined) texts.set(result, (text = await answerText(result)));
        const key = cacheKeys.get(req);
        // The run is answered (from the cache from now on, if it may be kept there).
        if (key !== undefined) runs.delete(key);
        const bytes = Buffer.byteLength(text);
        const operation = getOperationAST(args.document, args.operationName)?.operation;
        if (bytes > limits.answerBytes && operation !== 'mutation')
          return {
            errors: [
              limitError(
                'answerBytes',
                limits.answerBytes,
                `The answer would be ${bytes} bytes; at most ${limits.answerBytes} are sent. Page with first/after or ask for fewer fields`,
              ),
            ],
          };
        // Errors are written by graphql-http, which gives each its code (formatError).
        if (result.errors) return undefined;
        if (key && operation === 'query') responses.set(key, text, text.length * 2);
        return answered(req, text);
      },
      // Every error, GraphQL's own (syntax, validation, variables) too, leaves with a stable code.
      formatError: (error) => {
        // graphql-http hands over a plain Error only for a request it could not read (400):
        // a client's mistake, said plainly, not a fault of ours.
        if (!(error instanceof GraphQLError)) {
          const scope = requestScope.getStore();
          if (scope) scope.outcome ??= 'BAD_REQUEST';
          return new GraphQLError(REQUEST_ERRORS[error.message] ?? error.message, {
            extensions: { code: 'BAD_REQUEST' },
          });
        }
        const original = OPERATION_ERRORS[error.message]
          ? new GraphQLError(OPERATION_ERRORS[error.message]!, {
              ...(error.nodes ? { nodes: error.nodes } : {}),
            })
          : error;
        const [formatted] = format([original]);
        return new GraphQLError(formatted!.message, {
          ...(original.nodes ? { nodes: original.nodes } : {}),
          ...(original.source ? { source: original.source } : {}),
          ...(original.positions ? { positions: original.positions } : {}),
          ...(formatted!.path ? { path: formatted!.path } : {}),
          extensions: formatted!.extensions ?? {},
        });
      },
    });

    app.route({
      method: ['GET', 'POST'],
      url: path,
      bodyLimit: limits.bodyBytes,
      // Per client address, on this path only (health checks are not held back), counted
      // before the body is read.
      onRequest: (request, reply, done) => {
        const wait = requests.take(request.ip);
        if (wait === undefined) return done();
        const refused = tooManyRequests(limits, wait);
        requestScope.run(httpScope(request, 'RATE_LIMITED'), () =>
          security.error('RATE_LIMITED', refused.message, refused.extensions),
        );
        void reply
          .status(429)
          .header('retry-after', String(refused.extensions.retryAfterSeconds))
          .type('application/json; charset=utf-8')
          .send(errorBody(refused.message, refused.extensions));
      },
      handler: async (request, reply) => {
        if (explorer?.wanted(request)) return explorer.answer(reply);
        // Reading a document and checking it is work too: it waits for its slice of the
        // thread, so a flood of requests is taken in one at a time between health checks.
        const turn = nextSlice();
        if (turn) await turn;
        return requestScope.run(httpScope(request), () => handler.call(app, request, reply));
      },
      // Refusals graphql-http answers by itself (a wrong method, media type or Accept) get
      // the same shape as every other error: a message and a code.
      // (Synchronous: an async hook here would cost every answer a promise.)
      onSend: (request, reply, payload, done) => {
        const retryAfter = rateLimitedFor.get(request);
        if (retryAfter !== undefined)
          void reply.status(429).header('retry-after', String(retryAfter));
        if (reply.statusCode < 400 || reply.statusCode >= 500) return done(null, payload);
        const text = typeof payload === 'string' ? payload : '';
        let body: { errors?: Array<{ message: string; extensions?: object }> } | undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        if (body?.errors?.every((e) => e.extensions && 'code' in e.extensions))
          return done(null, payload);
        scopeOfRequest(request.raw).outcome ??= 'BAD_REQUEST';
        const message =
          body?.errors?.[0]?.message ?? STATUS_ERRORS[reply.statusCode] ?? 'Bad request';
        void reply.header('content-type', 'application/json; charset=utf-8');
        done(null, errorBody(OPERATION_ERRORS[message] ?? message, { code: 'BAD_REQUEST' }));
      },
      // A body Fastify cannot take (not JSON, too large, another media type), and a client
      // over its rate, are still answered the GraphQL way: a client error with a code.
      errorHandler: (error: FastifyError, request, reply) => {
        const status = error.statusCode ?? 500;
        if (status >= 500) throw error;
        const [code, message, extra] =
          error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? [
                'LIMIT_EXCEEDED',
                `The request body is larger than ${limits.bodyBytes} bytes`,
                { limit: 'bodyBytes', max: limits.bodyBytes },
              ]
            : ['BAD_REQUEST', BODY_ERRORS[error.code] ?? error.message, {}];
        requestScope.run(httpScope(request, code), () => security.error(code, message, extra));
        void reply
          .status(status)
          .type('application/json; charset=utf-8')
          .send(errorBody(message, { code, ...extra }));
      },
    });

    // Other methods on the path: said plainly, with what is allowed.
    app.route({
      method: ['PUT', 'PATCH', 'DELETE'],
      url: path,
      handler: (request, reply) => {
        httpScope(request, 'BAD_REQUEST');
        return reply
          .status(405)
          .header('allow', 'GET, POST')
          .type('application/json; charset=utf-8')
          .send(errorBody(STATUS_ERRORS[405]!, { code: 'BAD_REQUEST' }));
      },
    });

    this.startSockets(options, path, schema, {
      parseLimited,
      validateLimited,
      format,
      mutations,
      requests,
      timedRun: (args) => timed(args, () => run(args)),
      trust,
    });
  }

  private startSockets(
    options: GraphQLHttpOptions,
    path: string,
    schema: GraphQLSchema,
    shared: {
      parseLimited: (text: string) => DocumentNode;
      validateLimited: (document: DocumentNode) => readonly GraphQLError[];
      format: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
      mutations: FixedWindow;
      requests: FixedWindow;
      /**
       * Runs an operation on a socket, or a subscription message, timed as an operation of
       * its own (a message as type subscription: how many there are per change shows how
       * many subscribers shared one).
       */
      timedRun: (args: ExecutionArgs) => Promise<ExecutionResult>;
      trust: TrustProxy;
    },
  ): void {
    const { parseLimited, validateLimited, format, mutations, requests, timedRun, trust } = shared;
    const { limits, security } = options;
    const perAddress = new Map<string, number>();
    // Each operation's scope (correlation id, address, user), for what is logged of it.
    const scopes = new WeakMap<object, Map<string, RequestScope>>();
    const scopeOf = (ctx: object, id: string, address: string): RequestScope => {
      let byId = scopes.get(ctx);
      if (!byId) scopes.set(ctx, (byId = new Map()));
      let scope = byId.get(id);
      if (!scope)
        byId.set(
          id,
          (scope = { correlationId: randomUUID(), address, startedAt: performance.now() }),
        );
      return scope;
    };
    // A WebSocket operation's one line, once it ended (as an HTTP request's: request-log.ts).
    const logged = (ctx: object, id: string): void => {
      const scope = scopes.get(ctx)?.get(id);
      scopes.get(ctx)?.delete(id);
      if (!scope?.operation) return;
      const { type, name, field } = scope.operation;
      requestScope.run(scope, () =>
        this.requests.log(`WS ${path} ${type} ${name ?? field}`, {
          transport: 'websocket',
          operationType: type,
          ...(name ? { operationName: name } : {}),
          field,
          outcome: scope.outcome ?? 'ok',
          durationMs: Math.round(performance.now() - (scope.startedAt ?? 0)),
          address: scope.address,
        }),
      );
    };
    // The connections acknowledged: what their operations hold open is counted at a scrape.
    const connections = new Set<{ subscriptions: Record<string, unknown> }>();
    options.metrics.countOpenWith({
      sockets: () => connections.size,
      subscriptions: () => {
        let open = 0;
        // A subscription is held as its iterator; an operation starting or running, as null.
        for (const { subscriptions } of connections)
          for (const held of Object.values(subscriptions)) if (held) open++;
        return open;
      },
    });
    const formatIn = (
      ctx: { extra: { request: IncomingMessage } },
      id: string,
      errors: readonly GraphQLError[],
    ) => requestScope.run(scopeOf(ctx, id, addressOf(ctx.extra.request)), () => format(errors));
    // The client's address as HTTP requests see it (behind a trusted proxy, the forwarded one).
    const addressOf = (request: IncomingMessage) => proxyaddr(request, trust);
    this.sockets = new WebSocketServer({
      server: this.httpAdapterHost.httpAdapter.getHttpServer() as Server,
      path,
      maxPayload: limits.bodyBytes,
      // Pages of other origins than its own and CORS_ORIGINS, and too many connections from
      // one address, are refused at the upgrade.
      verifyClient: (info, done) => {
        const address = addressOf(info.req);
        if (!originAllowed(info.origin, info.req.headers.host, options.corsOrigins)) {
          const message = `WebSocket connections are accepted from this server's own pages and those of CORS_ORIGINS, not from ${String(info.origin).slice(0, 200)}`;
          requestScope.run({ correlationId: correlationIdOf(undefined), address }, () =>
            security.refused('FORBIDDEN', message),
          );
          return done(false, 403, ...upgradeRefusal(message, { code: 'FORBIDDEN' }));
        }
        if ((perAddress.get(address) ?? 0) >= limits.socketsPerAddress) {
          requestScope.run({ correlationId: correlationIdOf(undefined), address }, () =>
            security.refused('RATE_LIMITED', 'too many WebSocket connections', {
              limit: 'socketsPerAddress',
              max: limits.socketsPerAddress,
            }),
          );
          return done(
            false,
            429,
            ...upgradeRefusal('Too many WebSocket connections from this address', {
              code: 'RATE_LIMITED',
              limit: 'socketsPerAddress',
              max: limits.socketsPerAddress,
            }),
          );
        }
        done(true);
      },
    });
    this.sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      const address = addressOf(request);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      refuseFrameErrorsQuietly(socket, address, limits, security);
      socket.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    });
    // A message shared by many subscribers is weighed once.
    const weighed = new WeakMap<ExecutionResult, number>();
    const bytesOf = (result: ExecutionResult) => {
      let bytes = weighed.get(result);
      if (bytes === undefined)
        weighed.set(result, (bytes = Buffer.byteLength(JSON.stringify(result))));
      return bytes;
    };
    const messages = new SubscriptionMessages(timedRun, (args) =>
      readerKey((args.contextValue as CallerContext).user),
    );
    const disposable = useServer<
      Record<string, unknown> | undefined,
      { socket: WebSocket; request: IncomingMessage }
    >(
      {
        schema,
        // The token is checked at connection_init; a bad one closes the socket saying why.
        onConnect: async (ctx) => {
          try {
            await options.authenticate(authorizationOf(ctx.connectionParams));
            connections.add(ctx);
            return true;
          } catch (error) {
            const message = (error as Error).message;
            requestScope.run(
              { correlationId: correlationIdOf(undefined), address: addressOf(ctx.extra.request) },
              () => security.refused('UNAUTHENTICATED', message),
            );
            ctx.extra.socket.close(CloseCode.Unauthorized, closeReason(message));
            return false;
          }
        },
        // Each operation is held to the same limits as over HTTP. A document that does not
        // parse or validate is refused for that one operation, as an error message; left to
        // graphql-ws, it would close the whole socket (4500).
        onSubscribe: async (ctx, id, payload) => {
          const address = addressOf(ctx.extra.request);
          const scope = scopeOf(ctx, id, address);
          // Operations on sockets count against the same rate as requests, per address,
          // before anything of them is read.
          const wait = requests.take(address);
          if (wait !== undefined) return [tooManyRequests(limits, wait)];
          // graphql-ws has counted this operation in already.
          if (Object.keys(ctx.subscriptions).length > limits.subscriptionsPerSocket)
            return [
              limitError(
                'subscriptionsPerSocket',
                limits.subscriptionsPerSocket,
                `At most ${limits.subscriptionsPerSocket} operations may be open at once on one connection; complete one first`,
              ),
            ];
          if (payload.variables && nesting(payload.variables, VARIABLES_DEPTH) > VARIABLES_DEPTH)
            return [limitError('variablesDepth', VARIABLES_DEPTH, `The variables nest too deeply`)];
          let document: DocumentNode;
          try {
            document = parseLimited(payload.query);
          } catch (error) {
            return [error as GraphQLError];
          }
          const errors = validateLimited(document);
          if (errors.length > 0) return errors;
          // The token again: it may have expired, or the user may have been revoked since.
          let user: CallerContext['user'];
          try {
            user = await options.authenticate(authorizationOf(ctx.connectionParams));
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          if (user) scope.userId = user.userId;
          const args: ExecutionArgs = {
            schema,
            document,
            contextValue: options.contextFor(user, scope.correlationId),
            ...(payload.operationName ? { operationName: payload.operationName } : {}),
            ...(payload.variables ? { variableValues: payload.variables } : {}),
          };
          scope.operation = operationOf(args);
          const refused = refusal(schema, limits, args, mutations);
          return refused ? [refused] : args;
        },
        subscribe: (args: ExecutionArgs) => messages.subscribe(args),
        execute: timedRun,
        // A subscription's message that went over its budget is that error alone (run).
        onNext: (ctx, id, _payload, args, result) => {
          if (
            getOperationAST(args.document, args.operationName)?.operation !== 'mutation' &&
            bytesOf(result) > limits.answerBytes
          )
            return {
              errors: formatIn(ctx, id, [
                limitError(
                  'answerBytes',
                  limits.answerBytes,
                  `The answer would be more than ${limits.answerBytes} bytes; ask for fewer fields or items`,
                ),
              ]) as never,
            };
          return result.errors
            ? { ...result, errors: formatIn(ctx, id, result.errors) as never }
            : undefined;
        },
        onError: (ctx, id, _payload, errors) => formatIn(ctx, id, errors) as never,
        onComplete: (ctx, id) => logged(ctx, id),
        onClose: (ctx) => void connections.delete(ctx),
      },
      this.sockets,
    );
    this.disposeSockets = () => disposable.dispose();
  }

  async stop(): Promise<void> {
    await this.disposeSockets?.();
    await new Promise<void>((resolve) =>
      this.sockets ? this.sockets.close(() => resolve()) : resolve(),
    );
  }
}

/**
 * A frame too large, malformed or not UTF-8 is the client's mistake: ws has already closed
 * the connection with the code that says why (1009, 1002, 1007). It goes to the security
 * log as a refusal; left to graphql-ws, it would be logged as a fault of ours.
 */
function refuseFrameErrorsQuietly(
  socket: WebSocket,
  address: string,
  limits: Limits,
  security: SecurityLog,
): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'error') return emit(event, ...args);
    const error = args[0] as Error & { code?: string };
    requestScope.run({ correlationId: correlationIdOf(undefined), address }, () =>
      error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? security.refused('LIMIT_EXCEEDED', 'WebSocket message too large', {
            limit: 'bodyBytes',
            max: limits.bodyBytes,
          })
        : security.refused('BAD_REQUEST', `WebSocket frame refused: ${error.message}`),
    );
    return true;
  }) as typeof socket.emit;
}

function nodesOf(document: DocumentNode): number {
  let nodes = 0;
  visit(document, { enter: () => void nodes++ });
  return nodes;
}

/** Parses within the token limit; a document too long or too deep is a client's mistake. */
function parseWithin(limits: Limits, text: string): DocumentNode {
  try {
    return parse(text, { maxTokens: limits.tokens });
  } catch (error) {
    if (error instanceof GraphQLError && /tokens\. Parsing aborted/.test(error.message))
      throw limitError(
        'tokens',
        limits.tokens,
        `The document has more than ${limits.tokens} tokens; send a shorter one`,
      );
    if (error instanceof RangeError)
      throw limitError('depth', limits.depth, 'The document nests too deeply to be read');
    throw error;
  }
}

const operations = new WeakMap<DocumentNode, Map<string, NonNullable<RequestScope['operation']>>>();

/**
 * What an operation is, for logs and metrics: its type, the name the client gave it, and
 * the root field it runs (or `(several)`), which the schema bounds, unlike names.
 */
function operationOf(args: ExecutionArgs): NonNullable<RequestScope['operation']> {
  return remembered(
    operations,
    args.document,
    () => {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return { type: 'unknown', field: '(none)' };
      const fields = new Set<string>();
      for (const selection of operation.selectionSet.selections)
        fields.add(selection.kind === Kind.FIELD ? selection.name.value : '(fragment)');
      const name = operation.name?.value;
      return {
        type: operation.operation,
        ...(name ? { name: name.length > 100 ? `${name.slice(0, 100)}…` : name } : {}),
        field: fields.size === 1 ? [...fields][0]! : '(several)',
      };
    },
    args.operationName ?? '',
  );
}

/** How an operation went: 'ok', or the code of its first error. */
function outcomeOf(result: ExecutionResult): string {
  const first = result.errors?.[0];
  if (!first) return 'ok';
  const code = first.extensions?.code;
  if (typeof code === 'string') return code;
  // What formatError makes of an error without a code (see @ml/masterplan's errors.ts).
  return first.originalError && !(first.originalError instanceof GraphQLError)
    ? 'INTERNAL_SERVER_ERROR'
    : 'BAD_USER_INPUT';
}

const schemaReaders = new WeakMap<DocumentNode, Map<string, boolean>>();
const costs = new WeakMap<DocumentNode, Map<string, number>>();

/** A value computed once per document (and operation name). */
function remembered<T>(
  memory: WeakMap<DocumentNode, Map<string, T>>,
  document: DocumentNode,
  compute: () => T,
  operationName = '',
): T {
  let byOperation = memory.get(document);
  if (!byOperation) memory.set(document, (byOperation = new Map()));
  if (!byOperation.has(operationName)) byOperation.set(operationName, compute());
  return byOperation.get(operationName)!;
}

/** Why an operation may not run (before it runs), if it may not. */
function refusal(
  schema: GraphQLSchema,
  limits: Limits,
  args: ExecutionArgs,
  mutations: FixedWindow,
): GraphQLError | undefined {
  const context = args.contextValue as CallerContext;
  if (
    remembered(schemaReaders, args.document, () => readsSchema(args.document)) &&
    (limits.introspection === 'off' || (limits.introspection === 'authenticated' && !context.user))
  )
    return new GraphQLError(
      limits.introspection === 'off'
        ? 'This server does not answer questions about its schema (GRAPHQL_INTROSPECTION=off); the schema is published as schema.graphql'
        : 'Reading the schema needs a token (GRAPHQL_INTROSPECTION=authenticated); the schema is published as schema.graphql',
      { extensions: { code: 'FORBIDDEN', reason: 'INTROSPECTION_DISABLED' } },
    );
  let cost = 0;
  try {
    const estimate = () =>
      costOf(
        schema,
        args.document,
        args.variableValues ?? undefined,
        args.operationName ?? undefined,
      );
    // Without variables the document alone decides the cost: estimated once.
    cost =
      args.variableValues && Object.keys(args.variableValues).length > 0
        ? estimate()
        : remembered(costs, args.document, estimate, args.operationName ?? '');
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // The estimate itself gave up (too many nodes): far beyond any limit. Other errors are
    // about the variables, which execution reports as the client's mistake.
    if (/maximum allowed number of nodes/.test(error.message))
      return costError(limits, Number.POSITIVE_INFINITY);
  }
  if (cost > limits.cost) return costError(limits, cost);
  context.estimatedCost = cost;
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation === 'mutation' && context.user) {
    // Each mutation counts, aliased ones and those in fragments too.
    const count = rootFieldsOf(args.document, operation);
    const retryAfter = mutations.take(context.user.userId, Date.now(), count);
    if (retryAfter !== undefined)
      return rateLimited(
        'mutationsPerMinute',
        limits.mutationsPerMinute,
        retryAfter,
        `Too many mutations by user '${context.user.userId}' (at most ${limits.mutationsPerMinute} a minute)`,
      );
  }
  // A mutation is checked before it runs and not while: once it ran, the change is stored,
  // and its answer (bounded by the estimate) is sent whole. A refused mutation changed nothing.
  if (operation?.operation === 'mutation') return undefined;
  context.executionMs = limits.executionMs;
  context.deadline = Date.now() + limits.executionMs;
  context.maxObjects = limits.cost;
  // Rows hold more text than a query selects of them: what is read may be a few answers' worth.
  context.maxBytes = TEXT_READ_PER_ANSWER_BYTE * limits.answerBytes;
  return undefined;
}

/**
 * The fields an operation runs at its root, those its fragments bring in too (one per
 * answer key, as GraphQL runs them; @skip and @include are not weighed, to be safe).
 */
function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  const keys = new Set<string>();
  const entered = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections)
      if (selection.kind === Kind.FIELD) keys.add(selection.alias?.value ?? selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!entered.has(selection.name.value)) {
        entered.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment);
      }
  };
  collect(operation.selectionSet);
  return keys.size;
}

/** The refusal of a request or WebSocket operation beyond its address's rate. */
function tooManyRequests(limits: Limits, waitMs: number): GraphQLError {
  return rateLimited(
    'requestsPerMinute',
    limits.requestsPerMinute,
    waitMs,
    `Too many requests from this address (at most ${limits.requestsPerMinute} a minute)`,
  );
}

/** How much text a request may read, as a multiple of the largest answer it may send. */
export const TEXT_READ_PER_ANSWER_BYTE = 4;

function rateLimited(limit: string, max: number, waitMs: number, said: string): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new GraphQLError(`${said}; try again in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', limit, max, retryAfterSeconds },
  });
}

const authorizationOf = (params: Record<string, unknown> | undefined) =>
  params?.authorization ?? params?.Authorization;

function busy(limits: Limits): GraphQLError {
  return new GraphQLError(
    `The server is busy: more than ${limits.queuedQueries} queries are waiting; try again shortly`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        limit: 'queuedQueries',
        max: limits.queuedQueries,
        retryAfterSeconds: 1,
      },
    },
  );
}

/** The 401 answer of a request with a bad token. */
function unauthorized(
  errors: GraphQLFormattedError[],
): [string, { status: number; statusText: string; headers: Record<string, string> }] {
  return [
    JSON.stringify({ errors }),
    {
      status: 401,
      statusText: 'Unauthorized',
      headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
    },
  ];
}

const limitFields = (error: GraphQLFormattedError): Record<string, unknown> => {
  const { limit, max } = (error.extensions ?? {}) as { limit?: unknown; max?: unknown };
  return limit === undefined ? {} : { limit, max };
};
