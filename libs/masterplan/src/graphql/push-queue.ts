/**
 * An async iterator fed by pushes, for subscriptions. Bounded: a subscriber that falls more
 * than `limit` items behind is ended with an error instead of making the server buffer
 * without bound.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<(result: IteratorResult<T>) => void> = [];
  private ended = false;
  private failure?: Error;

  constructor(
    private readonly onEnd: () => void,
    private readonly limit = 1000,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter({ value: item, done: false });
    if (this.items.length >= this.limit) {
      this.failure = new Error(
        `The subscriber fell more than ${this.limit} events behind and was disconnected`,
      );
      this.finish();
      return;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
  }
}
