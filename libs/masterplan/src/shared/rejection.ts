/**
 * A refused command, as a value. `code` says what kind of refusal it is (the GraphQL edge
 * maps it to an error code); `reason` is a stable, specific name of the rule; `message`
 * is for a person.
 */
export type RejectionCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'RULE_VIOLATED'
  | 'CONFLICT'
  | 'ALREADY_EXISTS'
  | 'IDEMPOTENCY_KEY_REUSED';

export interface Rejection {
  readonly rejected: true;
  readonly code: RejectionCode;
  readonly reason: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export function reject(
  code: RejectionCode,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Rejection {
  return { rejected: true, code, reason, message, ...(details ? { details } : {}) };
}

export const invalid = (reason: string, message: string) =>
  reject('INVALID_INPUT', reason, message);
export const notFound = (reason: string, message: string) => reject('NOT_FOUND', reason, message);
export const forbidden = (reason: string, message: string) => reject('FORBIDDEN', reason, message);
export const ruleViolated = (reason: string, message: string) =>
  reject('RULE_VIOLATED', reason, message);
/** An id that is already taken: every entity id is unique across the whole store. */
export const alreadyExists = (reason: string, message: string) =>
  reject('ALREADY_EXISTS', reason, message);

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && (value as Rejection).rejected === true;
}
