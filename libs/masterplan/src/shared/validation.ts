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
  return undefined;
}

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
