import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  comparePositions,
  hasPositionShape,
  type EventStore,
  type LogStart,
  type Position,
} from '@ml/event-store';
import { GraphQLError } from 'graphql';
import { badInput } from '../graphql/context.js';
import { readModelsStopped } from '../graphql/errors.js';
import { FollowerFailed } from '../shared/log-follower.js';
import { Projector } from '../projections/projector.js';
import { ReadStore } from './read-store.js';
import { ReadView } from './read-view.js';

const CATCH_UP_MS = 5_000;

/** The ways a query names a past moment (`MomentArgs` in GraphQL). */
export interface Moment {
  asOf?: Date | null;
  asOfPosition?: string | null;
  justBeforeEvent?: string | null;
  justAfterEvent?: string | null;
}
const MOMENT_ARGS = ['asOf', 'asOfPosition', 'justBeforeEvent', 'justAfterEvent'] as const;

/**
 * The read models at a past moment. They keep every row version with the log positions it
 * was valid between, so the past at a log position is an indexed query on the live read
 * store: its cost follows the size of the answer, not the length of the history.
 *
 * A past moment is always a log position, so what a view shows, the versions it reports and
 * the `asOfPosition` it names describe one and the same moment. A time (`asOf`) becomes the
 * last position up to which every event had occurred by then: the audit trail records the
 * latest occurredAt so far beside each event, which never decreases along the log, so a
 * binary search finds it. An event recorded after a later-dated one (a reaction is dated
 * like its cause) counts from where it stands in the log.
 */
@Injectable()
export class TimeTravel {
  constructor(
    private readonly live: ReadStore,
    private readonly projector: Projector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * The view a query asks for: the live one, or the one of the one moment `moment` names
   * (a time, a log position, or just before or after an audit entry's event).
   */
  async viewFor(live: ReadView, moment: Moment = {}): Promise<ReadView> {
    const named = MOMENT_ARGS.filter((name) => moment[name] != null);
    if (named.length > 1)
      throw badInput(
        `Give one of ${MOMENT_ARGS.join(', ')}, not ${named.join(' and ')}: each names a moment by itself`,
        named[1],
      );
    const { asOf, asOfPosition, justBeforeEvent, justAfterEvent } = moment;
    if (asOfPosition != null)
      return this.atPosition(await this.checkedPosition(asOfPosition), live.budget);
    if (asOf != null) return this.atTime(asOf, live.budget);
    if (justAfterEvent != null)
      return this.atPosition(this.positionOfEvent(justAfterEvent, 'justAfterEvent'), live.budget);
    if (justBeforeEvent != null) {
      const position = this.positionOfEvent(justBeforeEvent, 'justBeforeEvent');
      const before = this.live.get<{ position: string }>(
        'SELECT position FROM audit_entries WHERE position < ? ORDER BY position DESC LIMIT 1',
        position,
      );
      return this.atPosition((before?.position as Position | undefined) ?? 'start', live.budget);
    }
    return live;
  }

  /** The log position of an event the audit trail holds, found by its id. */
  private positionOfEvent(eventId: string, argument: string): Position {
    const entry = this.live.get<{ position: string }>(
      'SELECT position FROM audit_entries WHERE event_id = ?',
      eventId.toLowerCase(),
    );
    if (!entry)
      throw new GraphQLError(
        `${argument}: no audit entry has the eventId '${eventId.slice(0, 100)}'; take one from an audit entry`,
        { extensions: { code: 'NOT_FOUND', field: argument } },
      );
    return entry.position as Position;
  }

  /** The read models as the log stood at `position`. */
  async atPosition(position: Position | 'start', budget?: ReadView['budget']): Promise<ReadView> {
    await this.caughtUp(position);
    // Nothing in the log yet ('start'): a bound before every position.
    return new ReadView(this.live, position === 'start' ? '' : position, budget);
  }

  /** The read models as they stood once every event recorded so far had occurred by `time`. */
  async atTime(time: Date, budget?: ReadView['budget']): Promise<ReadView> {
    const upTo = this.projector.processed;
    await this.caughtUp(upTo);
    const at = this.positionAt(time.toISOString());
    // Stopped on an event: a time after everything applied may lack what came after it.
    const failed = this.projector.failed;
    if (failed && at !== '' && at === this.lastAudited())
      throw readModelsStopped(
        new FollowerFailed(this.projector.name, failed),
        `The log holds events after ${at} that may have occurred by ${time.toISOString()}`,
      );
    return new ReadView(this.live, at, budget);
  }

  private lastAudited(): string {
    return (
      this.live.get<{ position: string }>(
        'SELECT position FROM audit_entries ORDER BY seq DESC LIMIT 1',
      )?.position ?? ''
    );
  }

  /** A client's position: of this log's shape, and not beyond its end. */
  private async checkedPosition(position: string): Promise<Position> {
    const head = await this.store.headPosition();
    // Positions compare as strings, so one of another width (`42` for `0000000000000042`)
    // would silently mean another moment.
    const known = this.projector.processed === 'start' ? head : this.projector.processed;
    if (known !== 'start' && known !== 'end' && !hasPositionShape(position, known))
      throw badInput(
        `asOfPosition '${position}' is not a log position of this server; take one from an audit entry or a mutation's payload`,
        'asOfPosition',
      );
    if (comparePositions(position as Position, head) > 0)
      throw badInput(
        `asOfPosition '${position}' lies beyond the end of the log (${head}); the future cannot be shown`,
        'asOfPosition',
      );
    return position as Position;
  }

  /**
   * The last log position before which every event occurred by `time`: the audit's
   * `occurred_high` (the latest occurredAt so far) never decreases along the log, so a
   * binary search over its sequence finds it. '' when nothing had occurred by then.
   */
  private positionAt(time: string): string {
    const last = this.live.get<{ seq: number }>(
      'SELECT seq FROM audit_entries ORDER BY seq DESC LIMIT 1',
    );
    let [low, high] = [0, last?.seq ?? 0];
    const highAt = (seq: number) =>
      this.live.get<{ occurred_high: string; position: string }>(
        'SELECT occurred_high, position FROM audit_entries WHERE seq <= ? ORDER BY seq DESC LIMIT 1',
        seq,
      );
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (highAt(middle)!.occurred_high <= time) low = middle;
      else high = middle - 1;
    }
    return low === 0 ? '' : highAt(low)!.position;
  }

  private async caughtUp(position: LogStart): Promise<void> {
    let reached: 'reached' | 'late';
    try {
      reached = await this.projector.waitFor(position, CATCH_UP_MS);
    } catch (error) {
      if (error instanceof FollowerFailed)
        throw readModelsStopped(error, `Position ${position} is in the log`);
      throw error;
    }
    if (reached === 'late') {
      throw new GraphQLError(
        `The read models have not reached position ${position} yet; try again shortly`,
        { extensions: { code: 'READ_MODEL_LAGGING', position } },
      );
    }
  }
}
