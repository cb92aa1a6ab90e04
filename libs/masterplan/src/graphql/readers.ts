import { GraphQLError } from 'graphql';
import { actorsRepresentedBy } from '../actors/actors.projection.js';
import { organisationConcerned, PEOPLE_IN_DATA, type AuditCriteria } from '../audit/audit-trail.js';
import type { AuditRow } from '../audit/audit.projection.js';
import type { User } from '../shared/decider.js';
import { requireUser, type GqlContext } from './context.js';

/**
 * Who may read what beyond the published masterplan (docs/security.md): the people behind
 * it — user ids, correlation ids, representatives — are for administrators and for the
 * representatives of the organisation concerned; the audit trail is for administrators and
 * representatives.
 */
const known = new WeakMap<object, Map<string, Promise<ReadonlySet<string>>>>();

/**
 * The organisations (actor ids) the caller represents as the read models stand now; none for
 * a public reader. Looked up once per view and user: a request reads one view, and each
 * change a subscription pushes comes with a fresh one, so an appointment or revocation
 * counts from the next change on.
 */
export function organisationsOf(ctx: GqlContext): Promise<ReadonlySet<string>> {
  const userId = ctx.user?.userId;
  if (userId === undefined) return Promise.resolve(new Set());
  let byUser = known.get(ctx.view.moment);
  if (!byUser) known.set(ctx.view.moment, (byUser = new Map()));
  let organisations = byUser.get(userId);
  if (!organisations) {
    organisations = Promise.resolve(new Set(actorsRepresentedBy(ctx.view.store, userId)));
    byUser.set(userId, organisations);
  }
  return organisations;
}

/** Whether the caller may see the people acting for `actorId` (null: acting for nobody). */
export async function maySeePeopleOf(ctx: GqlContext, actorId: string | null): Promise<boolean> {
  if (ctx.user?.isAdministrator) return true;
  return actorId !== null && (await organisationsOf(ctx)).has(actorId);
}

/** The audit trail is read by administrators and by representatives of some organisation. */
export async function requireAuditReader(ctx: GqlContext, action: string): Promise<User> {
  const user = requireUser(ctx, action);
  if (!user.isAdministrator && (await organisationsOf(ctx)).size === 0)
    throw new GraphQLError(
      `Only administrators and representatives of an organisation may ${action}; you represent none`,
      { extensions: { code: 'FORBIDDEN', reason: 'AUDIT_READERS_ONLY' } },
    );
  return user;
}

/**
 * An audit entry as someone who may not see the people behind it reads it: no user ids or
 * correlation ids, the person in a representative's appointment left out, and the one-line
 * summary told without names of people.
 */
export function withoutPeople(row: AuditRow): AuditRow {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  let summary = row.summary;
  if (row.user_id) {
    summary = summary.split(` (via user ${row.user_id})`).join('');
    if (summary.startsWith(`Administrator ${row.user_id} `))
      summary = `An administrator ${summary.slice(`Administrator ${row.user_id} `.length)}`;
    else if (summary.startsWith(`User ${row.user_id} `))
      summary = `A user ${summary.slice(`User ${row.user_id} `.length)}`;
  }
  if (PEOPLE_IN_DATA.has(row.event_type) && typeof data.userId === 'string') {
    if (typeof data.name === 'string')
      summary = summary.split(`${data.name} (user ${data.userId})`).join('a person');
    summary = summary.split(`user ${data.userId}`).join('a user');
    data.userId = null;
    if ('name' in data) data.name = null;
  }
  return {
    ...row,
    user_id: null,
    correlation_id: null,
    causation_id: null,
    data: JSON.stringify(data),
    summary,
  };
}

/** The entry as this caller may read it. */
export async function auditRowFor(ctx: GqlContext, row: AuditRow): Promise<AuditRow> {
  return (await maySeePeopleOf(ctx, organisationConcerned(row))) ? row : withoutPeople(row);
}

/**
 * The criteria a caller may search the audit trail by: looking for what one user or one
 * request did would tell who did it, so someone who is not an administrator finds such
 * entries only where they may see the people (those concerning their own organisations).
 */
export async function criteriaFor(
  ctx: GqlContext,
  criteria: AuditCriteria,
): Promise<AuditCriteria> {
  if (ctx.user?.isAdministrator || (criteria.userId == null && criteria.correlationId == null))
    return criteria;
  return { ...criteria, concerning: [...(await organisationsOf(ctx))] };
}
