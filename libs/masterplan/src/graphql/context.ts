import { GraphQLError } from 'graphql';
import type { ReadView } from '../read-store/read-view.js';
import type { User } from '../shared/decider.js';

/** What every resolver gets: who asks (null for a public reader) and the live read view. */
export interface GqlContext {
  user: User | null;
  view: ReadView;
  /** One per request (or per subscription operation); recorded on every event it causes. */
  correlationId: string;
}

export function requireUser(ctx: GqlContext, action = 'do this'): User {
  if (!ctx.user) {
    throw new GraphQLError(`You need to sign in (Authorization: Bearer <token>) to ${action}`, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  return ctx.user;
}

export function notFoundError(what: string, id: string): GraphQLError {
  return new GraphQLError(`There is no ${what} '${id}'`, { extensions: { code: 'NOT_FOUND' } });
}

export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
  });
}
