import { AbstractGraphQLDriver, type GqlModuleOptions } from '@nestjs/graphql';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { createHandler } from 'graphql-http/lib/use/fastify';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';

export interface GraphQLHttpOptions extends GqlModuleOptions {
  /** The context of one HTTP request, from its headers. */
  httpContext(request: FastifyRequest): Promise<object>;
  /** The context of one WebSocket operation, from the connection's init payload. */
  socketContext(connectionParams: Record<string, unknown> | undefined): Promise<object>;
  /** Every error a client sees passes here. */
  formatError(error: GraphQLError): GraphQLFormattedError;
  /** Thrown from `onConnect` to refuse a WebSocket connection (e.g. a bad token). */
  authenticateSocket?(connectionParams: Record<string, unknown> | undefined): Promise<void>;
  /**
   * Query results are cached per caller and per `version()` of the read models (their log
   * position): a new event makes every entry stale, so a cached answer is never older than
   * what a fresh execution would read. `bypass` names queries that change with the clock.
   */
  responseCache?: { version(): string; bypass(query: string): boolean };
}

/** graphql-http's words for a request it cannot read, as a person would want them. */
const REQUEST_ERRORS: Record<string, string> = {
  'Missing query':
    'The request has no GraphQL query: send it as the "query" URL parameter (GET) or as the "query" member of a JSON body (POST)',
  'Invalid query': 'The "query" must be a string holding a GraphQL document',
  'Missing body': 'A POST needs a JSON body such as {"query": "{ health { status } }"}',
  'Unparsable JSON body':
    'The body must be a JSON object such as {"query": "{ health { status } }"}',
  'JSON body must be an object':
    'The JSON body must be an object such as {"query": "{ health { status } }"}, not an array or a single value',
  'Invalid variables': 'The "variables" must be a JSON object',
  'Invalid operationName': 'The "operationName" must be a string',
  'Invalid extensions': 'The "extensions" must be a JSON object',
  'Unparsable URL': 'The URL cannot be read',
};

/** graphql-http's words for a request it can read but not run. */
const OPERATION_ERRORS: Record<string, string> = {
  'Unable to detect operation AST':
    'The document has no operation to run: with several operations, name one in "operationName"; a name given must be one of them',
  'Subscriptions are not supported':
    'Subscriptions are served over WebSocket on this same path (graphql-transport-ws protocol, e.g. the graphql-ws client), not over HTTP',
  'Cannot perform mutations over GET': 'Mutations are sent with POST, not GET',
};

/** What a refusal graphql-http answers without a body means, by status. */
const STATUS_ERRORS: Record<number, string> = {
  405: 'Use GET or POST on /graphql, and POST for mutations',
  406: 'The answer can be application/graphql-response+json or application/json; the Accept header allows neither',
  415: 'Send the request as JSON (content-type: application/json) with POST, or with GET and the query in the URL',
};

/** Fastify's refusals of a body, as a person would want them. */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send {"query": "…"}',
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'Send GraphQL as application/json (POST) or in the URL (GET); this media type is not understood',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large',
};

const CACHE_ENTRIES = 1000;
const CACHED_RESPONSES = 200;

/** A small LRU map: the most recently used entries are kept. */
class Lru<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Serves the schema Nest builds from our resolvers with the reference implementations of
 * both protocols: GraphQL over HTTP (`graphql-http`, GET and POST on the same path) and
 * subscriptions over WebSocket (`graphql-ws`, the graphql-transport-ws subprotocol).
 */
export class GraphQLHttpDriver extends AbstractGraphQLDriver<GraphQLHttpOptions> {
  private sockets?: WebSocketServer;
  private disposeSockets?: () => Promise<void> | void;

  async start(options: GraphQLHttpOptions): Promise<void> {
    const schema = options.schema!;
    const path = options.path ?? '/graphql';
    const app = this.httpAdapterHost.httpAdapter.getInstance<FastifyInstance>();
    const format = (errors: readonly GraphQLError[]) => errors.map((e) => options.formatError(e));

    // Parsing and validating the same document again is wasted work: both are remembered.
    const documents = new Lru<string, DocumentNode>(CACHE_ENTRIES);
    // The rules are graphql-http's fixed set (passed as a new array each call), so the
    // document alone decides the outcome.
    const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
    // Answers of the read models' current position only: after a new event no key can
    // match an older entry again, so those go at once instead of holding memory.
    const responses = new Lru<string, ExecutionResult>(CACHED_RESPONSES);
    let cachedAt: string | undefined;
    const cacheKeys = new WeakMap<object, string>();

    const handler = createHandler<{ contextValue: object }>({
      schema,
      parse: (source) => {
        const text = typeof source === 'string' ? source : source.body;
        let document = documents.get(text);
        if (!document) documents.set(text, (document = parse(source)));
        return document;
      },
      validate: (validationSchema, document, rules) => {
        let errors = validated.get(document);
        if (!errors)
          validated.set(document, (errors = validate(validationSchema, document, rules)));
        return errors;
      },
      onSubscribe: (req, params) => {
        const cache = options.responseCache;
        if (!cache || cache.bypass(params.query)) return undefined;
        const headers = req.headers as unknown as Record<string, string | undefined>;
        const version = cache.version();
        if (version !== cachedAt) {
          responses.clear();
          cachedAt = version;
        }
        const key = [
          version,
          headers.authorization ?? '',
          params.operationName ?? '',
          params.query,
          JSON.stringify(params.variables ?? {}),
        ].join('\u0000');
        const hit = responses.get(key);
        if (hit) return hit;
        cacheKeys.set(req, key);
        return undefined;
      },
      onOperation: (req, args, result) => {
        const key = cacheKeys.get(req);
        if (
          key &&
          !result.errors &&
          getOperationAST(args.document, args.operationName)?.operation === 'query'
        )
          responses.set(key, result);
        return undefined;
      },
      context: async (req) => {
        try {
          return (await options.httpContext(req.raw)) as never;
        } catch (error) {
          // A bad token fails the whole request with 401, before anything is executed.
          if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
            const body = JSON.stringify({ errors: format([error]) });
            return [
              body,
              {
                status: 401,
                statusText: 'Unauthorized',
                headers: {
                  'content-type': 'application/json; charset=utf-8',
                  'www-authenticate': 'Bearer',
                },
              },
            ];
          }
          throw error;
        }
      },
      // Every error, GraphQL's own (syntax, validation, variables) too, leaves with a stable code.
      formatError: (error) => {
        // graphql-http hands over a plain Error only for a request it could not read (400):
        // a client's mistake, said plainly, not a fault of ours.
        if (!(error instanceof GraphQLError))
          return new GraphQLError(REQUEST_ERRORS[error.message] ?? error.message, {
            extensions: { code: 'BAD_REQUEST' },
          });
        const original = OPERATION_ERRORS[error.message]
          ? new GraphQLError(OPERATION_ERRORS[error.message]!, {
              ...(error.nodes ? { nodes: error.nodes } : {}),
            })
          : error;
        const formatted = options.formatError(original);
        return new GraphQLError(formatted.message, {
          ...(original.nodes ? { nodes: original.nodes } : {}),
          ...(original.source ? { source: original.source } : {}),
          ...(original.positions ? { positions: original.positions } : {}),
          ...(formatted.path ? { path: formatted.path } : {}),
          extensions: formatted.extensions ?? {},
        });
      },
    });
    app.route({
      method: ['GET', 'POST'],
      url: path,
      handler,
      // Refusals graphql-http answers by itself (a wrong method, media type or Accept) get
      // the same shape as every other error: a message and a code.
      onSend: async (_request, reply, payload) => {
        if (reply.statusCode < 400 || reply.statusCode >= 500) return payload;
        const text = typeof payload === 'string' ? payload : '';
        let body: { errors?: Array<{ message: string; extensions?: object }> } | undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        if (body?.errors?.every((e) => e.extensions && 'code' in e.extensions)) return payload;
        const message =
          body?.errors?.[0]?.message ?? STATUS_ERRORS[reply.statusCode] ?? 'Bad request';
        void reply.header('content-type', 'application/json; charset=utf-8');
        return JSON.stringify({
          errors: [
            { message: OPERATION_ERRORS[message] ?? message, extensions: { code: 'BAD_REQUEST' } },
          ],
        });
      },
      // A body Fastify cannot take (not JSON, too large, another media type) is still
      // answered the GraphQL way: a client error with a code, not the framework's shape.
      errorHandler: (error: FastifyError, _request, reply) => {
        const status = error.statusCode ?? 500;
        if (status >= 500) throw error;
        void reply
          .status(status)
          .type('application/json; charset=utf-8')
          .send({
            errors: [
              {
                message: BODY_ERRORS[error.code] ?? error.message,
                extensions: { code: 'BAD_REQUEST' },
              },
            ],
          });
      },
    });

    // Other methods on the path: said plainly, with what is allowed.
    app.route({
      method: ['PUT', 'PATCH', 'DELETE'],
      url: path,
      handler: (_request, reply) =>
        reply
          .status(405)
          .header('allow', 'GET, POST')
          .send({ errors: [{ message: STATUS_ERRORS[405], extensions: { code: 'BAD_REQUEST' } }] }),
    });

    this.sockets = new WebSocketServer({
      server: this.httpAdapterHost.httpAdapter.getHttpServer() as Server,
      path,
    });
    const disposable = useServer(
      {
        schema,
        onConnect: async (ctx) => {
          try {
            await options.authenticateSocket?.(ctx.connectionParams);
            return true;
          } catch {
            return false;
          }
        },
        // A document that does not parse or validate is refused for that one operation,
        // as an error message; left to graphql-ws, it would close the whole socket (4500).
        onSubscribe: (_ctx, _id, payload) => {
          let document: DocumentNode;
          try {
            document = parse(payload.query);
          } catch (error) {
            return [error as GraphQLError];
          }
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          return {
            schema,
            document,
            ...(payload.operationName ? { operationName: payload.operationName } : {}),
            ...(payload.variables ? { variableValues: payload.variables } : {}),
          };
        },
        context: (ctx) => options.socketContext(ctx.connectionParams),
        onNext: (_ctx, _id, _payload, _args, result) =>
          result.errors ? { ...result, errors: format(result.errors) as never } : undefined,
        onError: (_ctx, _id, _payload, errors) => format(errors) as never,
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
