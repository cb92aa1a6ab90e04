import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EventStoreClosed, EventStoreWriterFailed } from '../errors.js';
import type { SqliteDurability } from './sqlite-schema.js';
import {
  fromWireError,
  type FromWriter,
  type ToWriter,
  type WireAppend,
  type WireOutcome,
  type WriterSettings,
} from './writer-protocol.js';

export interface SqliteWriterOptions {
  file: string;
  durability: SqliteDurability;
  /** Most appends that share one transaction (group commit). */
  maxGroupSize: number;
  /** Called after each group's COMMIT returned, before its appends are answered. */
  onCommit(): void;
  /** The writer thread's module; tests give another one. */
  workerUrl?: URL;
}

export interface Written {
  nextExpectedRevision: number;
  position: number;
}

/** An append on its way; another append may be chained behind it. */
export interface PendingAppend {
  readonly append: WireAppend;
  /** Written only if this one is. */
  readonly after: PendingAppend | undefined;
  outcome?: 'written' | 'refused';
  /** Its index in the group it was sent in. */
  index?: number;
  resolve(written: Written): void;
  reject(error: unknown): void;
}

/** The worker module next to this one: `.ts` when running the sources, `.js` when built. */
const WORKER_URL = new URL(
  `./sqlite-writer.worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);
/** Running the sources (jest, the benchmarks), the worker compiles its modules on load. */
const FROM_SOURCES = [
  '--import',
  `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(
    new URL('./writer-from-sources.mjs', import.meta.url).href,
  )})`,
];

/**
 * The main thread's side of the writer thread. Appends queue here; the first group leaves at
 * the end of the event loop's turn, and while the writer commits one group (its fsync) the
 * next appends queue up and leave as one group the moment it answers. So commits are
 * pipelined with the JavaScript work that produces the next appends, and never block it.
 *
 * The thread is started by the first append (a store that only reads never starts one) and is
 * referenced only while appends are in flight, so an idle store keeps no process alive.
 */
export class SqliteWriter {
  private worker?: Worker;
  private queue: PendingAppend[] = [];
  private inFlight?: { id: number; group: PendingAppend[] };
  private nextGroupId = 1;
  private sendScheduled = false;
  private failure?: EventStoreWriterFailed;
  private closed = false;
  private closing?: Promise<void>;
  private readonly drainWaiters: Array<() => void> = [];
  private stopped?: () => void;

  constructor(private readonly options: SqliteWriterOptions) {}

  /** Why the writer cannot write, if it cannot. */
  get failed(): EventStoreWriterFailed | undefined {
    return this.failure;
  }

  /** Queues an append, to be written only after `after` (an append of this writer) if given. */
  append(append: WireAppend, after?: PendingAppend): [Promise<Written>, PendingAppend] {
    let pending!: PendingAppend;
    const written = new Promise<Written>((resolve, reject) => {
      pending = {
        append,
        after,
        resolve: (value) => {
          pending.outcome = 'written';
          resolve(value);
        },
        reject: (error) => {
          pending.outcome = 'refused';
          reject(error);
        },
      };
    });
    if (this.failure) pending.reject(this.failure);
    else if (this.closed) pending.reject(new EventStoreClosed());
    else {
      this.queue.push(pending);
      if (!this.inFlight && !this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => {
          this.sendScheduled = false;
          this.sendNextGroup();
        });
      }
    }
    return [written, pending];
  }

  /** Writes the appends already accepted (and any that arrive meanwhile), then stops the thread. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    while (!this.failure && (this.queue.length > 0 || this.inFlight || this.sendScheduled)) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    this.closed = true;
    const worker = this.worker;
    if (!worker || this.failure) {
      await worker?.terminate();
      return;
    }
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      worker.ref();
      this.post({ type: 'close' });
    });
    await worker.terminate();
  }

  private sendNextGroup(): void {
    if (this.inFlight || this.queue.length === 0) return this.notifyIfDrained();
    const group = this.queue.splice(0, this.options.maxGroupSize);
    this.inFlight = { id: this.nextGroupId++, group };
    const worker = this.started();
    worker.ref();
    this.post({ type: 'group', id: this.inFlight.id, appends: group.map(toWire) });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const url = this.options.workerUrl ?? WORKER_URL;
    const fromSources = url.pathname.endsWith('.ts');
    const settings: WriterSettings = {
      file: this.options.file,
      durability: this.options.durability,
    };
    const worker = new Worker(url, {
      workerData: settings,
      ...(fromSources ? { execArgv: FROM_SOURCES } : {}),
    });
    worker.on('message', (message: FromWriter) => this.received(message));
    worker.on('error', (error) => this.fail(error.message || String(error)));
    worker.on('messageerror', (error) => this.fail(`unreadable message: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.stopped) this.stopped();
      else this.fail(`it exited with code ${code}`);
    });
    this.worker = worker;
    return worker;
  }

  private post(message: ToWriter): void {
    this.worker!.postMessage(message);
  }

  private received(message: FromWriter): void {
    if (message.type === 'closed') return this.stopped?.();
    const flight = this.inFlight;
    if (!flight || flight.id !== message.id) {
      return this.fail(`it answered group ${message.id}, which was not being written`);
    }
    this.inFlight = undefined;
    if (message.type === 'failed') {
      const error = fromWireError(message.error);
      for (const pending of flight.group) pending.reject(error);
    } else {
      this.options.onCommit();
      flight.group.forEach((pending, i) => settle(pending, message.outcomes[i]));
    }
    // The appends that queued during this commit leave at once, as the next group (their
    // answers above are only queued: the code awaiting them runs after this).
    if (this.queue.length > 0) this.sendNextGroup();
    else this.worker!.unref();
    this.notifyIfDrained();
  }

  private fail(reason: string): void {
    if (this.failure || this.closed) {
      this.stopped?.();
      return;
    }
    this.failure = new EventStoreWriterFailed(reason);
    const lost = [...(this.inFlight?.group ?? []), ...this.queue];
    this.inFlight = undefined;
    this.queue = [];
    for (const pending of lost) pending.reject(this.failure);
    this.notifyIfDrained();
    void this.worker?.terminate();
  }

  private notifyIfDrained(): void {
    if (this.queue.length > 0 || this.inFlight || this.sendScheduled) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}

/**
 * An append as the writer thread gets it. One chained behind another is either in the same
 * group (appends are sent in the order they came, and one group at a time), or behind one
 * whose outcome is known.
 */
function toWire(pending: PendingAppend, index: number, group: PendingAppend[]): WireAppend {
  pending.index = index;
  const after = pending.after;
  if (!after || after.outcome === 'written') return pending.append;
  const inGroup = after.outcome === undefined && group[after.index ?? -1] === after;
  return { ...pending.append, after: inGroup ? after.index : -1 };
}

function settle(pending: PendingAppend, outcome: WireOutcome | undefined): void {
  if (!outcome) return pending.reject(new Error('The writer thread gave no outcome for an append'));
  if (outcome.ok) pending.resolve(outcome);
  else pending.reject(fromWireError(outcome.error));
}
