import type Database from 'better-sqlite3';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendResult, ExpectedRevision } from '../contract.js';
import { EventStoreClosed, EventStoreWriterFailed } from '../errors.js';
import { GroupCommitter } from './group-commit.js';
import { sqlitePosition, type SqliteDurability } from './sqlite-schema.js';
import {
  fromWireError,
  type FromWriter,
  type ToWriter,
  type WireAppend,
  type WireEvent,
  type WireOutcome,
  type WriterSettings,
} from './writer-protocol.js';

export interface SqliteWriterOptions {
  file: string;
  durability: SqliteDurability;
  /** Most appends that share one transaction (group commit). */
  maxGroupSize: number;
  /** Called after each group's COMMIT returned, before its appends are answered. */
  onCommit(group: { written: number; events: number; refused: number }): void;
  /** Called when a group could not be committed (nothing of it is stored), before its appends are refused. */
  onGroupFailed(error: Error, appends: number): void;
  /** Commit on this thread with this connection instead of in a writer thread. */
  inline?: Database.Database;
  /** The writer thread's module; tests give another one. */
  workerUrl?: URL;
}

/** An append on its way; another append may be chained behind it. */
export class PendingAppend {
  outcome?: 'written' | 'refused';
  readonly done: Promise<AppendResult>;
  private resolveDone!: (result: AppendResult) => void;
  private rejectDone!: (error: unknown) => void;

  constructor(
    readonly append: WireAppend,
    /** Written only if this one is. */
    readonly after: PendingAppend | undefined,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
  }

  settle(outcome: WireOutcome | undefined): void {
    if (!outcome) this.refuse(new Error('The writer gave no outcome for an append'));
    else if (!outcome.ok) this.refuse(fromWireError(outcome.error));
    else {
      this.outcome = 'written';
      this.resolveDone({
        nextExpectedRevision: outcome.nextExpectedRevision,
        position: sqlitePosition(outcome.position),
      });
    }
  }

  refuse(error: unknown): void {
    this.outcome = 'refused';
    this.rejectDone(error);
  }
}

/**
 * Groups on their way to the writer thread at once: while it commits one, the next waits in
 * its queue, so the thread goes from one commit to the next without waiting for this one.
 */
const MAX_GROUPS_IN_FLIGHT = 2;

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
 * Group commit. Appends queue here; those made in one turn of the event loop leave together
 * at its end as one group (one transaction, one fsync), up to `maxGroupSize`.
 *
 * With a writer thread (the default is `inline`, see docs/event-store.md for why), the thread
 * owns the write connection and the fsync blocks it, not this one: while it commits a group,
 * the next one is already in its queue, and the appends made meanwhile form the one after.
 * The thread is started by the first append (a store that only reads never starts one) and is
 * referenced only while appends are in flight, so an idle store keeps no process alive.
 * `inline`, the same committer runs here, on the store's own connection.
 */
export class SqliteWriter {
  private worker?: Worker;
  private readonly inline?: GroupCommitter;
  private queue: PendingAppend[] = [];
  /** Groups sent and not yet answered, oldest first. */
  private inFlight: Array<{ id: number; group: PendingAppend[] }> = [];
  private nextGroupId = 1;
  private nextSeq = 1;
  private sendScheduled = false;
  private sending = false;
  private failure?: EventStoreWriterFailed;
  private closed = false;
  private closing?: Promise<void>;
  private readonly drainWaiters: Array<() => void> = [];
  private stopped?: () => void;

  constructor(private readonly options: SqliteWriterOptions) {
    if (options.inline) this.inline = new GroupCommitter(options.inline);
  }

  /** Why the writer cannot write, if it cannot. */
  get failed(): EventStoreWriterFailed | undefined {
    return this.failure;
  }

  /** Queues an append, to be written only after `after` (an append of this writer) if given. */
  append(
    stream: string,
    expected: ExpectedRevision,
    events: WireEvent[],
    after?: PendingAppend,
  ): PendingAppend {
    const pending = new PendingAppend({ seq: this.nextSeq++, stream, expected, events }, after);
    if (this.failure) pending.refuse(this.failure);
    else if (this.closed) pending.refuse(new EventStoreClosed());
    else {
      this.queue.push(pending);
      if (this.inFlight.length < MAX_GROUPS_IN_FLIGHT && !this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => {
          this.sendScheduled = false;
          this.sendGroups();
        });
      }
    }
    return pending;
  }

  /** Writes the appends already accepted (and any that arrive meanwhile), then stops the thread. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    while (!this.failure && !this.drained()) {
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

  private sendGroups(): void {
    // Answered at once when inline: this loop, already running, sends the next group.
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.inFlight.length < MAX_GROUPS_IN_FLIGHT && this.queue.length > 0) {
        const group = this.queue.splice(0, this.options.maxGroupSize);
        const id = this.nextGroupId++;
        this.inFlight.push({ id, group });
        const appends = group.map(toWire);
        if (this.inline) this.received(this.inline.answer(id, appends));
        else {
          this.started().ref();
          this.post({ type: 'group', id, appends });
        }
      }
    } finally {
      this.sending = false;
    }
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
    const flight = this.inFlight[0];
    if (!flight || flight.id !== message.id) {
      return this.fail(`it answered group ${message.id}, which was not the next one`);
    }
    this.inFlight.shift();
    if (message.type === 'failed') {
      const error = fromWireError(message.error);
      this.options.onGroupFailed(error, flight.group.length);
      for (const pending of flight.group) pending.refuse(error);
    } else {
      let written = 0;
      let events = 0;
      message.outcomes.forEach((outcome, i) => {
        if (!outcome.ok) return;
        written++;
        events += flight.group[i]!.append.events.length;
      });
      this.options.onCommit({ written, events, refused: flight.group.length - written });
      flight.group.forEach((pending, i) => pending.settle(message.outcomes[i]));
    }
    // Appends that queued meanwhile leave at once (the code awaiting the answers above runs
    // only after this handler).
    this.sendGroups();
    if (this.inFlight.length === 0) this.worker?.unref();
    this.notifyIfDrained();
  }

  private fail(reason: string): void {
    if (this.failure || this.closed) {
      this.stopped?.();
      return;
    }
    this.failure = new EventStoreWriterFailed(reason);
    const lost = [...this.inFlight.flatMap((flight) => flight.group), ...this.queue];
    this.inFlight = [];
    this.queue = [];
    for (const pending of lost) pending.refuse(this.failure);
    this.notifyIfDrained();
    void this.worker?.terminate();
  }

  private drained(): boolean {
    return this.queue.length === 0 && this.inFlight.length === 0 && !this.sendScheduled;
  }

  private notifyIfDrained(): void {
    if (this.drained()) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}

/**
 * An append as the writer thread gets it. One chained behind another whose outcome is not
 * known yet names it: that one is in this group or one sent before, which the writer thread
 * commits first.
 */
function toWire(pending: PendingAppend): WireAppend {
  const after = pending.after;
  if (!after || after.outcome === 'written') return pending.append;
  return { ...pending.append, after: after.outcome === 'refused' ? -1 : after.append.seq };
}
