import type { Rejection } from './rejection.js';

/** A domain event as the deciders see it: typed data, no storage concerns. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** The person behind a command, as the token names them. */
export interface User {
  userId: string;
  isAdministrator: boolean;
}

/**
 * What a decider may know besides the command and its own state: who asks, when, and
 * facts the handler looked up in other aggregates (e.g. the actor the user acts for).
 */
export interface DecisionContext {
  user: User;
  now: Date;
}

export type Decision<E extends DomainEvent> = E[] | Rejection;

/** An event-sourced aggregate: how its state follows from its events. */
export interface Aggregate<State, E extends DomainEvent> {
  /** Stream name prefix, e.g. `measure-`. */
  streamPrefix: string;
  initialState: State;
  evolve(state: State, event: E): State;
}

/**
 * A decider: an aggregate's state and how it follows from its events, together with the
 * rules that decide a command on it (`decide`: command, state, context → events or a
 * rejection). Pure functions of plain data, no Nest.
 */
export interface Decider<State, E extends DomainEvent, C, Ctx> extends Aggregate<State, E> {
  decide(command: C, state: State, ctx: Ctx): Decision<E>;
}

export function fold<State, E extends DomainEvent>(
  aggregate: Aggregate<State, E>,
  events: E[],
): State {
  return events.reduce(aggregate.evolve, aggregate.initialState);
}
