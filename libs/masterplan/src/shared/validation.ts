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

export function requireDate(value: string | undefined, field: string): Rejection | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
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
