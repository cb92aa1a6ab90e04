import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventEmitter } from 'node:events';
import {
  EVENT_STORE,
  comparePositions,
  type EventStore,
  type LogStart,
  type RecordedEvent,
} from '@ml/event-store';
import { ReadStore } from '../read-store/read-store.js';
import {
  EventNotApplied,
  LogFollower,
  type FollowerFailure,
  type FollowerState,
  type FollowerStatus,
} from '../shared/log-follower.js';
import { toStoredEvent, type StoredEvent } from '../shared/stored-event.js';
import type { Projection } from './projection.js';
import { PROJECTIONS, checkpointOf, prepareReadModels } from './projections.js';

const earliest = (positions: LogStart[]): LogStart =>
  positions.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b), 'end' as LogStart);
const latest = (positions: LogStart[]): LogStart =>
  positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b), 'start' as LogStart);

/**
 * Projections that stood at the same checkpoint when the server started, fed by one
 * subscription. Each batch and each projection's checkpoint commit in one SQLite
 * transaction, so every event takes effect exactly once in each, also across crashes.
 */
class ProjectionGroup extends LogFollower {
  private readonly reads: ReadonlyArray<ReadonlySet<string>>;
  private appliedNow: StoredEvent[] = [];

  constructor(
    store: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    private readonly onAdvance: (events: StoredEvent[]) => void,
  ) {
    super(
      store,
      projections.length === PROJECTIONS.length
        ? 'read-models'
        : `read-models (${projections.map((p) => p.name).join(', ')})`,
    );
    this.reads = projections.map((p) => new Set(p.canHandle));
  }

  protected checkpoint(): LogStart {
    return earliest(this.projections.map((p) => this.readStore.checkpoint(checkpointOf(p))));
  }

  protected handle(batch: RecordedEvent[]): void {
    const events: StoredEvent[] = [];
    this.readStore.transaction(() => {
      // Another process on the same DATA_DIR (a CLI verb next to the server) may have
      // applied some of these already: the checkpoints, read inside the transaction, say.
      const applied = this.projections.map((p) => this.readStore.checkpoint(checkpointOf(p)));
      for (const recorded of batch) {
        let event: StoredEvent | undefined;
        let fresh = false;
        try {
          this.projections.forEach((projection, i) => {
            if (comparePositions(recorded.position, applied[i]!) <= 0) return;
            fresh = true;
            event ??= toStoredEvent(recorded);
            if (event && this.reads[i]!.has(event.type)) projection.apply(event, this.readStore);
          });
        } catch (error) {
          throw new EventNotApplied(recorded, error);
        }
        if (fresh && event) events.push(event);
      }
      const last = batch[batch.length - 1]!.position;
      this.projections.forEach((projection, i) => {
        if (comparePositions(last, applied[i]!) > 0)
          this.readStore.saveCheckpoint(checkpointOf(projection), last);
      });
    });
    this.appliedNow = events;
  }

  protected override advanced(): void {
    const events = this.appliedNow;
    this.appliedNow = [];
    this.onAdvance(events);
  }
}

/**
 * Keeps the read models up to date from the log. Each projection has its own version and
 * checkpoint: a projection whose version changed starts again from zero at start-up and
 * catches up on its own, side by side with the others, which keep serving and keep up
 * with the log meanwhile (one subscription per group of projections at the same
 * checkpoint; usually one for all). Listeners of `projected` hear about events once every
 * read model includes them.
 */
@Injectable()
export class Projector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'read-models';
  private readonly logger = new Logger('read-models');
  readonly projected = new EventEmitter<{ events: [StoredEvent[]] }>();
  private groups: ProjectionGroup[] = [];
  private announcedUpTo: LogStart = 'start';
  private rebuildUpTo: LogStart = 'start';

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
  ) {
    this.projected.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    const emptied = prepareReadModels(this.readStore);
    if (emptied.length > 0)
      this.logger.log(
        `Read models ${emptied.join(', ')} are built from the beginning of the log (new, or their version changed)${emptied.length < PROJECTIONS.length ? '; the others resume from their checkpoints' : ''}`,
      );
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    const byCheckpoint = new Map<LogStart, Projection[]>();
    for (const projection of PROJECTIONS) {
      const at = this.readStore.checkpoint(checkpointOf(projection));
      byCheckpoint.set(at, [...(byCheckpoint.get(at) ?? []), projection]);
    }
    // What the read models held at start was announced before (or never will be).
    this.announcedUpTo = latest([...byCheckpoint.keys()]);
    this.groups = [...byCheckpoint.values()].map(
      (projections) => new ProjectionGroup(this.store, this.readStore, projections, this.advance),
    );
    this.rebuildUpTo = this.announcedUpTo;
    for (const group of this.groups) group.start();
  }

  /**
   * The read models rebuilding since start (their version changed): they are behind where
   * the others stood at start. A change is not waited for while they catch up.
   */
  get rebuilding(): string[] {
    return this.groups
      .filter((group) => comparePositions(group.processed, this.rebuildUpTo) < 0)
      .flatMap((group) => group.projections.map((p) => p.name));
  }

  async stop(): Promise<void> {
    await Promise.all(this.groups.map((group) => group.stop()));
  }

  /** The log position up to which every read model includes everything. */
  get processed(): LogStart {
    return this.groups.length === 0 ? 'start' : earliest(this.groups.map((g) => g.processed));
  }

  /** Changes whenever any read model changes (answers cached for it are then stale). */
  get version(): string {
    return this.groups.map((group) => group.processed).join(' ');
  }

  get state(): FollowerState {
    const states = this.groups.map((group) => group.state);
    for (const state of ['failed', 'retrying', 'running', 'stopped'] as const)
      if (states.includes(state)) return state;
    return 'off';
  }

  /** Why a read model stopped, when one did. */
  get failed(): FollowerFailure | null {
    return this.groups.find((group) => group.failed)?.failed ?? null;
  }

  /** True while a read model waits for space to store what it applies. */
  get diskFull(): boolean {
    return this.groups.some((group) => group.diskFull);
  }

  /** Resolves once every read model includes `position`; rejects with FollowerFailed. */
  async reached(position: LogStart): Promise<void> {
    await Promise.all(this.groups.map((group) => group.reached(position)));
  }

  /**
   * Waits until the read models include `position`, at most `ms`: 'late' if they did not
   * (at once while one is rebuilding or waits for space), FollowerFailed (thrown) if one
   * stopped before it.
   */
  async waitFor(position: LogStart, ms: number): Promise<'reached' | 'late'> {
    // A read model rebuilding from zero, or waiting for space on a full disk, will take long
    // to get there: said at once.
    if (
      (this.rebuilding.length > 0 || this.diskFull) &&
      comparePositions(this.processed, position) < 0
    )
      return 'late';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
    const reached = this.reached(position).then(() => 'reached' as const);
    // Still observed when the wait ended first: a later failure must not go unhandled.
    reached.catch(() => undefined);
    return Promise.race([reached, late]).finally(() => clearTimeout(timer));
  }

  /** One status per read model, as the follower that feeds it stands. */
  async status(lagLimit = 10_000): Promise<FollowerStatus[]> {
    const statuses = await Promise.all(
      this.groups.map(async (group) => ({ group, status: await group.status(lagLimit) })),
    );
    return PROJECTIONS.map((projection) => {
      const { status } = statuses.find(({ group }) => group.projections.includes(projection))!;
      return { ...status, name: projection.name };
    });
  }

  /**
   * A group moved on: the events every read model now includes and that were not
   * announced yet are. They are all in this group's batch: only the group that was
   * furthest behind moves the point every read model has passed.
   */
  private readonly advance = (events: StoredEvent[]): void => {
    const upTo = this.processed;
    if (comparePositions(upTo, this.announcedUpTo) <= 0) return;
    const since = this.announcedUpTo;
    this.announcedUpTo = upTo;
    const news = events.filter(
      (e) => comparePositions(e.position, since) > 0 && comparePositions(e.position, upTo) <= 0,
    );
    if (news.length > 0) this.projected.emit('events', news);
  };
}
