import { GraphQLError } from 'graphql';
import { hasPositionShape, type LogStart } from '@ml/event-store';
import { decodeCursor } from './paging.js';
import type { Budget, ReadView } from '../read-store/read-view.js';
import type { User } from '../shared/decider.js';

/**
 * What every resolver gets: who asks (null for a public reader) and the live read view.
 * It is also the request's budget (deadline, objects, bytes), which its views spend.
 */
export interface GqlContext extends Budget {
  user: User | null;
  view: ReadView;
  /** One per request (or per subscription operation); recorded on every event it causes. */
  correlationId: string;
  /** When the caller's token expires (epoch ms); a subscription ends then. */
  expiresAt?: number;
}

export function requireUser(ctx: GqlContext, action = 'do this'): User {
  if (!ctx.user) {
    throw new GraphQLError(`You need to sign in (Authorization: Bearer <token>) to ${action}`, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  return ctx.user;
}

/** `asOf`: the log position of a past view, where the thing may not have existed yet. */
export function notFoundError(what: string, given: string, asOf?: string): GraphQLError {
  // An id is short; whatever else was sent is not echoed whole.
  const id = given.length > 100 ? `${given.slice(0, 100)}…` : given;
  const message =
    asOf === undefined
      ? `There is no ${what} '${id}'`
      : asOf === ''
        ? `There was no ${what} '${id}' at that moment: nothing had happened yet`
        : `There was no ${what} '${id}' yet at log position ${asOf}`;
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/**
 * The optional fields of an input the client filled in, for a command's data: those left
 * out, null or empty are not passed on (the command reads their absence).
 */
export const filledIn = <Fields extends Record<string, unknown>>(fields: Fields) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value)) as {
    [Name in keyof Fields]?: NonNullable<Fields[Name]>;
  };

export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
  });
}

/**
 * The position an `after` cursor stands for; a cursor we did not give out (not one of this
 * log's positions, `known` being one) is bad input.
 */
export function positionAfter(cursor: string, known: LogStart): string {
  const position = decodeCursor(cursor);
  const ours =
    position !== undefined &&
    (known === 'start' || known === 'end' || hasPositionShape(position, known));
  if (!ours)
    throw badInput(
      `after: '${cursor.slice(0, 100)}' is not a cursor of this list; pass the endCursor of the page before`,
      'after',
    );
  return position;
}
