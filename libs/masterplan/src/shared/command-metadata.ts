import type { ActingUser, EventMetadata } from '@ml/event-store';
import { SCHEMA_VERSIONS, type MasterplanDomainEventType } from './event-catalogue.js';
import type { User } from './decider.js';
import { newId, uuidFrom } from './ids.js';

/** Everything about a command that is not its data: who, when, why, and how to repeat it. */
export interface CommandMetadata {
  commandId: string;
  correlationId: string;
  /** The command itself, or the event a reaction answers. */
  causationId: string;
  user: User;
  now: Date;
  /** The version of the entity the caller saw; a mismatch is a conflict, not a retry. */
  expectedVersion?: number;
  /** Repeating a command with the same key (same user) returns the first outcome. */
  idempotencyKey?: string;
}

export function commandMetadata(
  user: User,
  options: {
    correlationId?: string;
    causationId?: string;
    expectedVersion?: number;
    idempotencyKey?: string;
    now?: Date;
  } = {},
): CommandMetadata {
  const commandId = newId();
  return {
    commandId,
    correlationId: options.correlationId ?? commandId,
    causationId: options.causationId ?? commandId,
    user,
    now: options.now ?? new Date(),
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
  };
}

/** The scope of an idempotency key: one user's key never matches another user's. */
export const idempotencyScope = (meta: CommandMetadata): string | undefined =>
  meta.idempotencyKey === undefined ? undefined : `${meta.user.userId}\u0000${meta.idempotencyKey}`;

/**
 * The id of an entity a command creates. With an idempotency key it is derived from the key,
 * so a repeated create lands on the same stream and is recognised there.
 */
export function newEntityId(meta: CommandMetadata, commandName: string): string {
  const scope = idempotencyScope(meta);
  return scope === undefined ? newId() : uuidFrom('entity', commandName, scope);
}

const rolesOf = (user: User): string[] => (user.isAdministrator ? ['administrator'] : []);

export function eventMetadata(
  meta: CommandMetadata,
  commandName: string,
  type: MasterplanDomainEventType,
  actingFor: string | undefined,
  /** What the idempotency key stands for (see idempotency.ts), when there is one. */
  intent?: string,
): EventMetadata {
  const actor: ActingUser = {
    userId: meta.user.userId,
    roles: actingFor ? [...rolesOf(meta.user), 'representative'] : rolesOf(meta.user),
    ...(actingFor ? { organisationId: actingFor } : {}),
  };
  return {
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    commandId: meta.commandId,
    commandName,
    actor,
    occurredAt: meta.now.toISOString(),
    schemaVersion: SCHEMA_VERSIONS[type],
    ...(meta.idempotencyKey !== undefined ? { idempotencyKey: idempotencyScope(meta) } : {}),
    ...(intent !== undefined ? { intent } : {}),
  };
}
