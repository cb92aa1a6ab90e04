import { invalid, type Rejection } from './rejection.js';

/** Small checks the deciders share; each returns a rejection or undefined. */

export function requireText(
  value: string | undefined,
  field: string,
  max = 2000,
): Rejection | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    return invalid('REQUIRED', `${field} must not be empty`);
  }
  if (value.length > max) return invalid('TOO_LONG', `${field} must be at most ${max} characters`);
  // Half of a surrogate pair names no character and cannot be kept as written (storage is
  // UTF-8): refused, so that every text accepted is returned exactly as it was sent.
  if (LONE_SURROGATE.test(value))
    return invalid(
      'INVALID_TEXT',
      `${field} is not valid Unicode (it holds half of a surrogate pair)`,
    );
  return undefined;
}

const LONE_SURROGATE = /\p{Cs}/u;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(T.+)?$/;

/** A date (2013-11-20) or date and time that names a real day: no 30 February, no month 13. */
export function isRealDate(value: string): boolean {
  const parts = DATE.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  return !Number.isNaN(Date.parse(value));
}

export function requireDate(value: string | undefined, field: string): Rejection | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isRealDate(value)) {
    return invalid(
      'INVALID_DATE',
      `${field} must be an ISO 8601 date such as 2013-11-20, not '${value}'`,
    );
  }
  return undefined;
}

export function requireOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  field: string,
): Rejection | undefined {
  return allowed.includes(value as T)
    ? undefined
    : invalid('NOT_ALLOWED', `${field} must be one of ${allowed.join(', ')}, not '${value}'`);
}

/** The first rejection among checks, if any. */
export function firstRejection(...checks: Array<Rejection | undefined>): Rejection | undefined {
  return checks.find((c) => c !== undefined);
}

/** A list of at most `max` items. */
export function requireAtMost(
  list: readonly unknown[],
  field: string,
  max: number,
): Rejection | undefined {
  return list.length > max
    ? invalid('TOO_MANY', `${field} may hold at most ${max} items, not ${list.length}`)
    : undefined;
}

/**
 * What an id may look like: letters, digits and `.`, `_`, `:`, `-`, beginning with a letter
 * or digit, at most 100 characters. Ids are kept forever in the log and appear in every
 * answer, so they are short and plain (no spaces, control characters, slashes or quotes).
 */
export const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** An idempotency key: the same characters, at most 200. */
export const KEY_SHAPE = /^[A-Za-z0-9._:-]{1,200}$/;
/** A user id, as identity providers make them (an e-mail address, say): no spaces or controls. */
const USER_ID_SHAPE = /^[A-Za-z0-9._:@+|-]{1,200}$/;
/** What a user id may be, in words, for the messages of everything that checks one. */
export const USER_ID_RULE = "1 to 200 letters, digits or '.', '_', ':', '@', '+', '|', '-'";

/** Whether a value may name a user: in commands, and as the subject of a bearer token. */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_SHAPE.test(value);
}

export function requireId(id: string, field = 'id'): Rejection | undefined {
  return typeof id === 'string' && ID_SHAPE.test(id)
    ? undefined
    : invalid(
        'INVALID_ID',
        `${field} must be 1 to 100 letters, digits, '.', '_', ':' or '-', beginning with a letter or digit, not '${String(id).slice(0, 120)}'; leave it out to have one made`,
      );
}

export function requireUserId(userId: string): Rejection | undefined {
  return isUserId(userId)
    ? undefined
    : invalid(
        'INVALID_USER_ID',
        `userId must be ${USER_ID_RULE}, not '${String(userId).slice(0, 120)}'`,
      );
}
