import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { FollowerFailed } from '../shared/log-follower.js';
import type { Rejection, RejectionCode } from '../shared/rejection.js';

const CODES: Record<RejectionCode, string> = {
  INVALID_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  RULE_VIOLATED: 'RULE_VIOLATED',
  CONFLICT: 'CONFLICT',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
};

/** A domain rejection as the GraphQL error a client sees: stable code, rule name, details. */
export function rejectionError(rejection: Rejection): GraphQLError {
  return new GraphQLError(rejection.message, {
    extensions: {
      code: CODES[rejection.code],
      reason: rejection.reason,
      ...(rejection.details ?? {}),
    },
  });
}

/** The read models stopped on an event they cannot apply (see docs/operations.md). */
export function readModelsStopped(
  failed: FollowerFailed,
  what: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(
    `${what}, but this server's read models stopped at position ${failed.failure.position} on an event they cannot apply, so queries here do not show anything after it; an operator has been told (projectionStatus shows the error)`,
    {
      extensions: {
        code: 'READ_MODEL_STOPPED',
        stoppedAt: failed.failure.position,
        ...extensions,
      },
    },
  );
}

/**
 * A change refused because the server's disk is full: nothing of it was stored. Not the
 * client's fault; the event store has told an operator (docs/operations.md).
 */
export function storeFull(): GraphQLError {
  return new GraphQLError(
    "The change was not stored: the server's disk is full, and nothing of it was written. Send it again once space has been freed (with the same idempotency key, a repeat is safe)",
    { extensions: { code: 'STORE_UNAVAILABLE', reason: 'DISK_FULL' } },
  );
}

/**
 * GraphQL's words for a value that is wrong, missing or of the wrong type, in the document
 * or a variable (a document that asks for something the schema lacks is another matter).
 */
const BAD_VALUE =
  /got invalid value|of required type .* was not provided|of non-null type .* must not be null|Expected value of type|Expected type|does not exist in "\w+" enum|cannot represent/;

const faults = new Logger('GraphQL');

/**
 * The last word on every error: ours keep their code; GraphQL's own (syntax, validation,
 * variables) get one; anything unexpected is reported without internals.
 */
export function formatError(error: GraphQLError): GraphQLFormattedError {
  const formatted = formatWhole(error);
  return formatted.message.length > LONGEST_MESSAGE
    ? { ...formatted, message: shortened(formatted.message) }
    : formatted;
}

/**
 * Messages quote what was sent (GraphQL's own: "got invalid value …"); a long value is
 * not sent back whole, however large the request.
 */
const LONGEST_MESSAGE = 600;

function shortened(message: string): string {
  const left = message.length - 500;
  return `${message.slice(0, 400)} … (${left} characters left out) … ${message.slice(-100)}`;
}

function formatWhole(error: GraphQLError): GraphQLFormattedError {
  const { path, ...located } = error.toJSON();
  // A request stopped as a whole (a budget spent) names no field: its path is empty.
  const formatted: GraphQLFormattedError = path && path.length > 0 ? { ...located, path } : located;
  if (typeof formatted.extensions?.code === 'string') return formatted;
  // Without a path the error is not from executing a field: the document or a variable
  // value is wrong (a scalar's own refusal too). The client's mistake, never our fault.
  if (!error.path) {
    const code = /Syntax Error/.test(error.message)
      ? 'GRAPHQL_PARSE_FAILED'
      : BAD_VALUE.test(error.message)
        ? 'BAD_USER_INPUT'
        : 'GRAPHQL_VALIDATION_FAILED';
    return { ...formatted, extensions: { ...formatted.extensions, code } };
  }
  // A GraphQLError raised while executing without a code is GraphQL's own: about an
  // argument's value (a variable's null for a non-null argument), the client's; about a
  // value we answered that its type cannot represent, ours (logged below).
  if (error.originalError instanceof GraphQLError && /^Argument "/.test(error.message)) {
    return {
      ...formatted,
      extensions: {
        ...formatted.extensions,
        code: 'BAD_USER_INPUT',
        ...error.originalError.extensions,
      },
    };
  }
  // A fault of ours: the one line at error level, with the request's correlation id.
  const fault = error.originalError ?? error;
  faults.error(
    `${formatted.path?.join('.') ?? 'An operation'} failed: ${fault.message}`,
    fault.stack,
  );
  return {
    message: 'Internal server error; the operation was not completed',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
