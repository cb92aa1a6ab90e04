import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONFIGURATION, type Configuration } from '@ml/config';
import type { FastifyInstance } from 'fastify';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from '../graphql/request-errors.js';

/**
 * Lets the requests running when the application closes finish before the read models and
 * the stores stop (a mutation waits for the read models to show its change). From the start
 * of the shutdown new requests are answered 503 SHUTTING_DOWN; then the GraphQL driver's
 * stop tells WebSockets 1001 "Going away"; what is still open after SHUTDOWN_GRACE_MS is cut.
 */
@Injectable()
export class GracefulShutdown
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Shutdown');
  private readonly running = new Set<ServerResponse>();
  private readonly connections = new Set<Socket>();
  private stopping = false;
  private answered = () => {};
  private cut?: NodeJS.Timeout;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONFIGURATION) private readonly configuration: Configuration,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (_request, reply, done) => {
      if (this.stopping) {
        void reply
          .status(503)
          .header('connection', 'close')
          .type('application/json; charset=utf-8')
          .send(
            errorBody('The server is stopping; send the request again (to another instance)', {
              code: 'SHUTTING_DOWN',
            }),
          );
        return;
      }
      const response = reply.raw;
      this.running.add(response);
      response.once('close', () => {
        this.running.delete(response);
        if (this.running.size === 0) this.answered();
      });
      done();
    });
    // Every connection, WebSockets and requests not yet whole included, to cut at the end.
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** First of all (AppModule is the root, its hooks run before the other modules'). */
  onModuleDestroy(): void {
    this.stopping = true;
    const grace = this.configuration.SHUTDOWN_GRACE_MS;
    this.cut = setTimeout(() => {
      if (this.connections.size > 0)
        this.logger.warn(
          `Closing ${this.connections.size} connection(s) still open after ${grace} ms (SHUTDOWN_GRACE_MS)`,
        );
      for (const socket of this.connections) socket.destroy();
    }, grace);
    this.cut.unref();
  }

  /** After the WebSockets were closed, before the read models and reactions stop. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.running.size === 0) return;
    this.logger.log(
      `Waiting up to ${this.configuration.SHUTDOWN_GRACE_MS} ms for ${this.running.size} request(s) to finish`,
    );
    await new Promise<void>((resolve) => {
      this.answered = resolve;
      if (this.running.size === 0) resolve();
    });
  }

  onApplicationShutdown(): void {
    clearTimeout(this.cut);
  }
}

/**
 * SIGTERM or SIGINT closes the application as above and exits with code 0; closing the
 * stores after the grace gets 10 s more, then the process exits with code 1 regardless.
 * A second signal changes nothing: Ctrl-C under npm reaches the server twice (from the
 * terminal and from npm).
 */
export function stopOnSignals(app: NestFastifyApplication, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    new Logger('Shutdown').log(`${signal}: stopping`);
    setTimeout(() => {
      console.error(`The server did not stop within ${graceMs + 10_000} ms; exiting regardless`);
      process.exit(1);
    }, graceMs + 10_000).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('The server did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
