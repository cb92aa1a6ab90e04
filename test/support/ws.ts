import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What one subscription over a real WebSocket heard: data, errors, its end, the socket's close. */
export interface Following<T = Record<string, unknown>> {
  client: Client;
  received: T[];
  /** Errors as results (`next` with errors) and as the operation's `error` message. */
  errors: Array<Array<{ message: string; extensions?: Record<string, unknown> }>>;
  completed: boolean;
  closed: Array<{ code: number; reason: string }>;
  /** Resolves once the connection is acknowledged and the subscription had time to start. */
  started: Promise<void>;
  /** Resolves once `check` holds (polled); rejects after `ms`. */
  until(check: () => boolean, ms?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Subscribes with `query` on a new connection (with the token in connection_init, if any). */
export function follow<T = Record<string, unknown>>(
  wsUrl: string,
  query: string,
  token?: string,
): Following<T> {
  const closed: Following['closed'] = [];
  let connected!: () => void;
  const acknowledged = new Promise<void>((resolve) => (connected = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...(token !== undefined ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    on: {
      connected: () => connected(),
      closed: (event) => closed.push(event as { code: number; reason: string }),
    },
    onNonLazyError: () => undefined,
  });
  const following: Following<T> = {
    client,
    received: [],
    errors: [],
    completed: false,
    closed,
    // The server starts the operation after its own checks (token, limits): a moment later.
    started: acknowledged.then(() => new Promise((resolve) => setTimeout(resolve, 200))),
    async until(check, ms = 5000) {
      const started = Date.now();
      while (!check()) {
        if (Date.now() - started > ms)
          throw new Error(
            `Not reached within ${ms} ms; heard ${JSON.stringify({ received: following.received, errors: following.errors, closed })}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    dispose: async () => {
      await client.dispose();
    },
  };
  client.subscribe<T>(
    { query },
    {
      next: (message) =>
        message.errors
          ? following.errors.push(message.errors as Following['errors'][number])
          : following.received.push(message.data as T),
      error: (error) =>
        following.errors.push(
          Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }],
        ),
      complete: () => (following.completed = true),
    },
  );
  return following;
}
