import { WrongExpectedVersion, type EventStore, type ExpectedRevision } from '@ml/event-store';
import { digestOf } from './canonical-json.js';
import { newId, uuidFrom } from './ids.js';
import { reject, type Rejection } from './rejection.js';
import { lastEventOf } from './stream-head.js';

/**
 * An idempotency key stands for one intention of one user: one command, on one stream, with
 * one input. Its first use is recorded in the key's own stream (appended with `no_stream`,
 * like an id reservation), so a key sent again with another command or other input is
 * refused wherever it is sent, and ids derived from a key can never name two things.
 */
export const KEY_USED = 'IdempotencyKeyUsed';
export const KEY_RELEASED = 'IdempotencyKeyReleased';

export const keyStream = (scope: string) => `idempotency-${uuidFrom('idempotency-key', scope)}`;

/** The intention a keyed command carries: its name, the stream it changes and its input. */
export const intentOf = (commandName: string, streamId: string, input: unknown): string =>
  digestOf({ command: commandName, stream: streamId, input });

export interface KeyUse {
  userId: string;
  key: string;
  commandName: string;
  stream: string;
  intent: string;
}

export type KeyStanding =
  { kind: 'free'; expected: ExpectedRevision } | { kind: 'used'; use: KeyUse; revision: number };

export function keyReused(key: string, first: { commandName: string; stream: string }): Rejection {
  return reject(
    'IDEMPOTENCY_KEY_REUSED',
    'IDEMPOTENCY_KEY_REUSED',
    `The idempotency key '${key}' was already used for ${first.commandName} on '${first.stream}'; a key stands for one intention (one command, on one thing, with one input), so use a new key for a new one`,
    { firstCommand: first.commandName },
  );
}

export class IdempotencyKeys {
  constructor(private readonly store: EventStore) {}

  async standing(scope: string): Promise<KeyStanding> {
    const last = await lastEventOf(this.store, keyStream(scope));
    if (!last) return { kind: 'free', expected: 'no_stream' };
    if (last.type !== KEY_USED) return { kind: 'free', expected: last.revision };
    return { kind: 'used', use: last.data as KeyUse, revision: last.revision };
  }

  /** Records the key's first use; 'raced' when another request recorded it first. */
  async record(
    scope: string,
    use: KeyUse,
    expected: ExpectedRevision,
  ): Promise<{ revision: number } | 'raced'> {
    try {
      const result = await this.store.appendToStream(
        keyStream(scope),
        [{ id: newId(), type: KEY_USED, data: use }],
        { expectedRevision: expected },
      );
      return { revision: result.nextExpectedRevision };
    } catch (error) {
      if (error instanceof WrongExpectedVersion) return 'raced';
      throw error;
    }
  }

  /** Frees a key whose command was refused after all, so it can be used again. */
  async release(scope: string, revision: number): Promise<void> {
    try {
      await this.store.appendToStream(
        keyStream(scope),
        [{ id: newId(), type: KEY_RELEASED, data: {} }],
        { expectedRevision: revision },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
    }
  }
}
