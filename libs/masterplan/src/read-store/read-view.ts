import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { LogStart } from '@ml/event-store';
import type { ReadStore } from './read-store.js';
import { NOW } from './temporal.js';
import type { Lookup } from './lookup.js';
import { nextSlice } from './thread-slices.js';

/** What one request may spend, and has spent. */
export interface Budget {
  /** How long it may read (ms), named when it is stopped for it. */
  executionMs?: number;
  /** Epoch ms after which reads are refused. */
  deadline?: number;
  maxObjects?: number;
  maxBytes?: number;
  objects?: number;
  bytes?: number;
  /** Set once the request went over a limit: its answer is that error alone. */
  refusal?: GraphQLError;
  /**
   * Awaited once, when the request has grown large (more than LARGE_OBJECTS objects or
   * LARGE_BYTES of text read): it goes on when its turn among large requests comes, so
   * that however many arrive at once, the memory of only one large answer is being built.
   */
  grownLarge?: () => Promise<void>;
  large?: boolean;
}

/** What makes a request large (see Budget.grownLarge): far beyond an everyday answer. */
export const LARGE_OBJECTS = 2_000;
export const LARGE_BYTES = 1024 * 1024;

/**
 * The version (last revision) of each stream as of the view, from the audit trail: rows
 * are versioned only by what they show, not by every event of their stream.
 */
const streamVersions: Lookup<{ stream_id: string; revision: number }, number> = {
  sql: `SELECT a.stream_id, a.revision FROM json_each(?) AS s JOIN audit_entries AS a
         ON a.position = (SELECT max(position) FROM audit_entries WHERE stream_id = s.value AND position <= @at)`,
  answer(streams, rows) {
    const found = new Map(rows.map((row) => [row.stream_id, row.revision]));
    return streams.map((stream) => found.get(stream) ?? -1);
  },
};

/**
 * The read models as one GraphQL request sees them: now, or at a past log position. Every lookup is batched (one SQL query per kind of lookup and tick,
 * whatever the number of keys), so a whole masterplan costs a bounded number of queries.
 */
export class ReadView {
  constructor(
    readonly store: ReadStore,
    /** Set for a view of the past: the last log position it includes. */
    readonly asOf?: string,
    /**
     * The request this view reads for and what it may still spend: after its `deadline`
     * (epoch ms) every read is refused, and the objects it makes of rows (and their text)
     * are counted against `maxObjects` and `maxBytes`, so one request cannot hold the
     * server however long the lists turn out to be. Set once its limits were checked.
     */
    readonly budget: Budget = {},
  ) {}

  /**
   * Counts a row made into an answer's object against the request's budget; once over it,
   * the request is stopped (LIMIT_EXCEEDED). Returns the view, for the object to keep.
   */
  spend(row: object): this {
    const budget = this.budget;
    if (budget.refusal) throw budget.refusal;
    if (budget.maxObjects === undefined) return this;
    this.checkDeadline();
    budget.objects = (budget.objects ?? 0) + 1;
    for (const value of Object.values(row))
      if (typeof value === 'string') budget.bytes = (budget.bytes ?? 0) + Buffer.byteLength(value);
    if (budget.objects > budget.maxObjects)
      this.refuse(
        'cost',
        budget.maxObjects,
        `The answer holds more than ${budget.maxObjects} objects; page with first/after, ask for fewer or shorter lists, or split the query`,
      );
    if (budget.maxBytes !== undefined && (budget.bytes ?? 0) > budget.maxBytes)
      this.refuse(
        'textReadBytes',
        budget.maxBytes,
        `The query read more than ${budget.maxBytes} bytes of text; ask for fewer items or shorter lists`,
      );
    return this;
  }

  private refuse(limit: string, max: number | undefined, message: string): never {
    // With a path of its own, GraphQL passes the one error on as it is: every field still
    // to resolve throws it again, and would otherwise make a new error of it each time
    // (tens of thousands for a large answer, and most of its cost once refused).
    this.budget.refusal ??= new GraphQLError(message, {
      path: [],
      extensions: { code: 'LIMIT_EXCEEDED', limit, ...(max !== undefined ? { max } : {}) },
    });
    throw this.budget.refusal;
  }

  /**
   * This view as one request reads it: the same loaders (so what many requests read of it
   * is read once, batched), but what it makes of their rows counts against `budget`.
   */
  /**
   * What this view reads the read models as of; the views made within() it share it, so
   * what is looked up once per moment (the caller's organisations) is keyed by it.
   */
  readonly moment: object = {};

  within(budget: Budget): ReadView {
    const view = Object.create(this) as ReadView;
    Object.defineProperty(view, 'budget', { value: budget });
    return view;
  }

  /**
   * Runs `work` (a synchronous read and what is made of it) in a slice of the thread shared
   * by every request (nextSlice): when others wait, it waits behind them, so that health
   * checks and other requests get in between pieces of work. The check comes right before
   * the work: the parts of one request resolved side by side (30 aliased audit pages) each
   * take their own turn. A request that has grown large first waits for its turn among
   * large ones (Budget.grownLarge).
   */
  async step<T>(work: () => T): Promise<T> {
    const budget = this.budget;
    if (
      budget.grownLarge &&
      !budget.large &&
      ((budget.objects ?? 0) > LARGE_OBJECTS || (budget.bytes ?? 0) > LARGE_BYTES)
    ) {
      budget.large = true;
      await budget.grownLarge();
    }
    const turn = nextSlice();
    if (turn) await turn;
    return work();
  }

  private checkDeadline(): void {
    const { deadline, executionMs } = this.budget;
    if (deadline !== undefined && Date.now() > deadline)
      this.refuse(
        'executionMs',
        executionMs,
        'The query took too long and was stopped; ask for less at once (fewer or smaller lists)',
      );
  }

  /** Rows of a query, read under this view's budget (refused once it is spent or late). */
  read<T>(sql: string, ...params: unknown[]): T[] {
    if (this.budget.refusal) throw this.budget.refusal;
    this.checkDeadline();
    return this.store.all<T>(sql, ...params);
  }

  /** A log position the read models have applied (the shape every position has). */
  get lastApplied(): LogStart {
    return this.store.lastCheckpoint();
  }

  /** The log position whose rows this view shows: `asOf`, or NOW for the live read models. */
  get at(): string {
    return this.asOf ?? NOW;
  }

  /** The view whose budget the shared loaders read under: itself, or the one it is within. */
  private readonly root: ReadView = this;
  private readonly loaders = new Map<object, DataLoader<string, unknown>>();

  /**
   * The loader of `lookup` in this view, made on first use. The views within() this one
   * share it, and it reads as this one: one subscriber's budget never stops another's read.
   */
  loader<Row, Value>(lookup: Lookup<Row, Value>): DataLoader<string, Value> {
    const root = this.root;
    let loader = root.loaders.get(lookup) as DataLoader<string, Value> | undefined;
    if (!loader) {
      loader = new DataLoader<string, Value>((keys) =>
        root.step(() =>
          lookup.answer(keys, root.read<Row>(lookup.sql, JSON.stringify(keys), { at: root.at })),
        ),
      );
      root.loaders.set(lookup, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  versionOf(streamId: string): Promise<number> {
    return this.loader(streamVersions).load(streamId);
  }
}
