import type { CommandBus } from '@nestjs/cqrs';
import type { MasterplanDomainEventType } from '../shared/event-catalogue.js';
import type { StoredEvent } from '../shared/stored-event.js';
import type { User } from '../shared/decider.js';

/**
 * Something the system does because an event was stored. A reaction may run more than
 * once for the same event (after a crash before its checkpoint was saved), so the commands
 * it issues carry the event as causation and an idempotency key derived from it.
 */
export interface Reaction {
  readonly name: string;
  readonly handles: readonly MasterplanDomainEventType[];
  react(event: StoredEvent, commands: CommandBus): Promise<void>;
}

/** The user recorded on commands the system issues by itself. */
export const SYSTEM_USER: User = { userId: 'system', isAdministrator: true };

export const REACTIONS = Symbol('Reactions');
