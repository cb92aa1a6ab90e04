import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { nextSlice, sharedEventOf } from '@ml/masterplan';

/** Executes one message of a subscription: its resolvers, with the event as root value. */
export type RunMessage = (args: ExecutionArgs) => Promise<ExecutionResult>;

/**
 * The messages of subscriptions, made once for all who would get the same one: a message
 * is the subscription's document run on one event, so subscribers of the same document
 * with the same variables, who may read the same (the same user, or anonymous), about the
 * same event get one execution and the same result. Four hundred subscribers of one
 * masterplan cost one message per change, not four hundred.
 */
export class SubscriptionMessages {
  private readonly made = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private documents = 0;

  constructor(
    /** Runs a message's execution, e.g. through the turns queries take. */
    private readonly run: RunMessage,
    /** Who the message is for, as far as what they may read goes ('' for anyone). */
    private readonly readerOf: (args: ExecutionArgs) => string,
  ) {}

  /** graphql-ws's `subscribe`: the source stream of the subscription, mapped to messages. */
  async subscribe(
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const events = source[Symbol.asyncIterator]();
    const messageOf = (event: unknown) => this.message(args, event);
    const messages: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const next = await events.next();
        return next.done ? next : { value: await messageOf(next.value), done: false };
      },
      async return() {
        await events.return?.();
        return { value: undefined, done: true };
      },
      async throw(error: unknown) {
        await events.return?.();
        throw error;
      },
      [Symbol.asyncIterator]: () => messages,
    };
    return messages;
  }

  private async message(args: ExecutionArgs, event: unknown): Promise<ExecutionResult> {
    const own = () => this.run({ ...args, rootValue: event });
    const shared = sharedEventOf(event);
    let result: ExecutionResult;
    if (!shared) result = await own();
    else {
      let byKey = this.made.get(shared);
      if (!byKey) this.made.set(shared, (byKey = new Map()));
      const key = this.keyOf(args);
      let made = byKey.get(key);
      if (!made) byKey.set(key, (made = own()));
      result = await made;
    }
    // Each subscriber's message is then written and sent in a slice of its own: four hundred
    // at once would otherwise all be written in one turn of the event loop.
    const turn = nextSlice();
    if (turn) await turn;
    return result;
  }

  private keyOf(args: ExecutionArgs): string {
    let id = this.documentIds.get(args.document);
    if (id === undefined) this.documentIds.set(args.document, (id = ++this.documents));
    return [
      id,
      args.operationName ?? '',
      JSON.stringify(args.variableValues ?? {}),
      this.readerOf(args),
    ].join('\u0000');
  }
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
