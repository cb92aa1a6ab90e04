import { AbstractGraphQLDriver, type GqlModuleOptions } from '@nestjs/graphql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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

    const handler = createHandler<{ contextValue: object }>({
      schema,
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
        const original =
          error instanceof GraphQLError
            ? error
            : new GraphQLError(error.message, { originalError: error });
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
    app.route({ method: ['GET', 'POST'], url: path, handler });

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
