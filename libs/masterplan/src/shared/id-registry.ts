import {
  StreamNotFound,
  WrongExpectedVersion,
  comparePositions,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
} from '@ml/event-store';
import { idsCreatedBy, isDomainEventType, type IdClaim, type IdKind } from './event-catalogue.js';
import { newId } from './ids.js';
import { alreadyExists, reject, type Rejection } from './rejection.js';
import { lastEventOf } from './stream-head.js';
import { upcast } from './upcasters.js';

/**
 * Every entity id is unique across the store, on both engines, by the one means both offer:
 * an append with expected revision `no_stream`. Before a command creates an entity, the id
 * is reserved by appending `IdReserved` to the id's own stream (`id-<kind>-<id>`); of two
 * commands racing for an id, in one process or in two, exactly one append succeeds. The
 * entity's events are appended afterwards; if the command is refused after all, the
 * reservation is released (`IdReleased`) and the id is free again.
 *
 * A reservation whose entity never appeared in its home stream (the process stopped between
 * the two appends) counts as work in progress for a minute, then anyone may take it over.
 */
export const RESERVED = 'IdReserved';
export const RELEASED = 'IdReleased';
/** Marks a log whose entities created before this registry existed have been reserved. */
export const BACKFILLED = 'IdRegistryBackfilled';
export const BACKFILL_STREAM = 'id-registry';
export const ID_REGISTRY_BACKFILL = { stream: BACKFILL_STREAM, type: BACKFILLED } as const;

export const reservationStream = (claim: Pick<IdClaim, 'kind' | 'id'>) =>
  `id-${claim.kind}-${claim.id}`;

export interface ReservationData {
  kind: IdKind;
  id: string;
  /** Whose the id is: a command, an idempotency key, or e.g. the proposal a measure comes from. */
  holder: string;
  /** The stream where the entity is created. */
  home: string;
  commandId?: string;
}

/** A reservation this command made, to release if the command is refused after all. */
export interface HeldReservation {
  stream: string;
  revision: number;
  claim: IdClaim;
}

export const ABANDONED_AFTER_MS = 60_000;
/** How long a command waits for another one that is creating the same id right now. */
const IN_PROGRESS_WAIT_MS = 2_000;

const EXISTS: Record<IdKind, [reason: string, noun: string]> = {
  actor: ['ACTOR_ALREADY_REGISTERED', 'An actor'],
  masterplan: ['MASTERPLAN_EXISTS', 'A masterplan'],
  theme_field: ['THEME_FIELD_EXISTS', 'A theme field'],
  proposal: ['PROPOSAL_EXISTS', 'A proposal'],
  measure: ['MEASURE_EXISTS', 'A measure'],
  commitment: ['COMMITMENT_EXISTS', 'A commitment'],
  working_group: ['WORKING_GROUP_EXISTS', 'A working group'],
  dialogue: ['DIALOGUE_EXISTS', 'A dialogue'],
  joint_declaration: ['DECLARATION_EXISTS', 'A joint declaration'],
};

/** What the last event of an id's stream says about it, for `holder`. */
export type Standing =
  | { kind: 'free'; expected: ExpectedRevision }
  | { kind: 'ours' }
  | { kind: 'taken'; by: ReservationData }
  | { kind: 'in-progress'; by: ReservationData }
  | { kind: 'abandoned'; expected: number; by: ReservationData };

/**
 * Pure: where an id stands, from the last event of its stream, the holder asking, whether
 * the entity exists in the reservation's home stream, and the clock.
 */
export function standingOf(
  last: RecordedEvent | undefined,
  holder: string,
  createdInHome: boolean,
  now: number,
): Standing {
  if (!last) return { kind: 'free', expected: 'no_stream' };
  if (last.type !== RESERVED) return { kind: 'free', expected: last.revision };
  const by = last.data as ReservationData;
  if (by.holder === holder) return { kind: 'ours' };
  if (createdInHome) return { kind: 'taken', by };
  if (now - last.recordedAt.getTime() < ABANDONED_AFTER_MS) return { kind: 'in-progress', by };
  return { kind: 'abandoned', expected: last.revision, by };
}

export function takenRejection(claim: IdClaim, by: ReservationData): Rejection {
  const [reason, noun] = EXISTS[claim.kind];
  const where = by.holder.startsWith('proposal:')
    ? `it belongs to the measure of the accepted proposal '${by.holder.slice('proposal:'.length)}'`
    : `it is used in '${by.home}'`;
  return alreadyExists(
    reason,
    `${noun} with id '${claim.id}' already exists (${where}); ids are unique across the whole ledger, choose another one`,
  );
}

export class IdRegistry {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Why one of the claimed ids cannot be had, if one cannot, without writing anything: a
   * command checks before it appends, so a refused command leaves no trace (a race lost
   * between this check and the reservation is undone by a release).
   */
  async refusal(claims: IdClaim[], holder: string): Promise<Rejection | undefined> {
    const standings = await Promise.all(claims.map((claim) => this.standing(claim, holder)));
    for (const [i, standing] of standings.entries()) {
      if (standing.kind === 'taken') return takenRejection(claims[i]!, standing.by);
      if (standing.kind === 'in-progress') return undefined; // reserve() waits for it
    }
    return undefined;
  }

  private async standing(claim: IdClaim, holder: string): Promise<Standing> {
    const own = claim.holder ?? holder;
    const last = await lastEventOf(this.store, reservationStream(claim));
    const reservedBy = last?.type === RESERVED ? (last.data as ReservationData) : undefined;
    const created =
      reservedBy !== undefined &&
      reservedBy.holder !== own &&
      (await this.createdIn(reservedBy.home, claim));
    return standingOf(last, own, created, this.clock());
  }

  /**
   * Reserves the claimed ids for `by.holder` (a claim may name its own holder), all or none:
   * the reservations made are returned, or the reason one could not be had.
   */
  async reserve(
    claims: IdClaim[],
    by: { holder: string; home: string; commandId: string },
  ): Promise<HeldReservation[] | Rejection> {
    const outcomes = await Promise.all(claims.map((claim) => this.reserveOne(claim, by)));
    const held = outcomes.filter((o): o is HeldReservation => o !== undefined && 'stream' in o);
    const refused = outcomes.find((o): o is Rejection => o !== undefined && 'rejected' in o);
    if (!refused) return held;
    await this.release(held, 'another id of the same command could not be reserved');
    return refused;
  }

  private async reserveOne(
    claim: IdClaim,
    by: { holder: string; home: string; commandId: string },
  ): Promise<HeldReservation | Rejection | undefined> {
    const stream = reservationStream(claim);
    const holder = claim.holder ?? by.holder;
    let waited = 0;
    let lostRaces = 0;
    for (;;) {
      const standing = await this.standing(claim, holder);
      switch (standing.kind) {
        case 'ours':
          return undefined;
        case 'taken':
          return takenRejection(claim, standing.by);
        case 'in-progress':
          // Another command (here or in another process) is between its two appends: its
          // entity appears, or its reservation is released, within moments.
          if (waited < IN_PROGRESS_WAIT_MS) {
            const pause = Math.min(25 + waited, 400);
            await new Promise((resolve) => setTimeout(resolve, pause));
            waited += pause;
            continue;
          }
          return reject(
            'CONFLICT',
            'ID_BEING_CREATED',
            `Another request is creating ${EXISTS[claim.kind][1].toLowerCase()} with id '${claim.id}' right now; try again in a moment or choose another id`,
          );
      }
      const data: ReservationData = {
        kind: claim.kind,
        id: claim.id,
        holder,
        home: by.home,
        commandId: by.commandId,
      };
      try {
        const result = await this.store.appendToStream(
          stream,
          [{ id: newId(), type: RESERVED, data }],
          { expectedRevision: standing.expected },
        );
        return { stream, revision: result.nextExpectedRevision, claim };
      } catch (error) {
        // Another command reserved it in between: look again, it may be taken now.
        if (!(error instanceof WrongExpectedVersion) || ++lostRaces >= 3) throw error;
      }
    }
  }

  /** Frees reservations of a command that was refused after all. */
  async release(held: HeldReservation[], reason: string): Promise<void> {
    await Promise.all(
      held.map(async ({ stream, revision, claim }) => {
        try {
          await this.store.appendToStream(
            stream,
            [{ id: newId(), type: RELEASED, data: { kind: claim.kind, id: claim.id, reason } }],
            { expectedRevision: revision },
          );
        } catch (error) {
          if (!(error instanceof WrongExpectedVersion)) throw error;
        }
      }),
    );
  }

  /** Whether the entity with this id was created in `home`. */
  private async createdIn(home: string, claim: IdClaim): Promise<boolean> {
    try {
      for await (const recorded of this.store.readStream(home)) {
        if (!isDomainEventType(recorded.type)) continue;
        const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
        if (idsCreatedBy(event).some((c) => c.kind === claim.kind && c.id === claim.id))
          return true;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    return false;
  }

  /**
   * Reserves the ids of entities created before this registry existed, once per store (a
   * marker event says it was done). Returns the number of ids reserved and the ids that
   * were already created twice (possible only before uniqueness was kept).
   */
  async backfill(): Promise<{ reserved: number; duplicates: string[] }> {
    if (await lastEventOf(this.store, BACKFILL_STREAM)) return { reserved: 0, duplicates: [] };
    const head = await this.store.headPosition();
    let reserved = 0;
    const duplicates: string[] = [];
    let pending: Array<Promise<void>> = [];
    const reserveLegacy = async (claim: IdClaim, recorded: RecordedEvent) => {
      const data: ReservationData = {
        kind: claim.kind,
        id: claim.id,
        holder: claim.holder ?? `event:${recorded.id}`,
        home: recorded.streamId,
      };
      try {
        await this.store.appendToStream(
          reservationStream(claim),
          [{ id: newId(), type: RESERVED, data }],
          { expectedRevision: 'no_stream' },
        );
        reserved++;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        const first = (await lastEventOf(this.store, reservationStream(claim)))?.data as
          ReservationData | undefined;
        if (first && first.home !== recorded.streamId && !first.holder.startsWith('proposal:'))
          duplicates.push(`${claim.kind} '${claim.id}' (${first.home}, ${recorded.streamId})`);
      }
    };
    if (head !== 'start') {
      for await (const recorded of this.store.readAll()) {
        if (comparePositions(recorded.position, head) > 0) break;
        if (!isDomainEventType(recorded.type)) continue;
        const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
        for (const claim of idsCreatedBy(event)) pending.push(reserveLegacy(claim, recorded));
        // Appends issued together share a commit on the embedded engine.
        if (pending.length >= 256) {
          await Promise.all(pending);
          pending = [];
        }
      }
      await Promise.all(pending);
    }
    try {
      await this.store.appendToStream(
        BACKFILL_STREAM,
        [{ id: newId(), type: BACKFILLED, data: { upTo: head, reserved } }],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
    }
    return { reserved, duplicates };
  }
}
