import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { GqlContext } from '../graphql/context.js';
import { countSql, pageSql } from '../graphql/paging.js';
import { auditRowFor, criteriaFor, requireAuditReader } from '../graphql/readers.js';
import type { ReadStore } from '../read-store/read-store.js';
import { ReadView } from '../read-store/read-view.js';
import { TEXT_CRITERIA, auditList, checkCriteria, type AuditCriteria } from './audit-trail.js';
import { ENTITY_TYPES, type EntityType } from './entities.js';
import { badInput } from '../graphql/context.js';
import { parseDateTime } from '../graphql/date-time.scalar.js';
import { isDomainEventType } from '../shared/event-catalogue.js';
import { auditProjection, type AuditRow } from './audit.projection.js';
import { checkpointOf } from '../projections/projections.js';
import { withSummaries } from './summary.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One exported entry: the fields of `AuditEntry` in the GraphQL API, in this order. */
export interface ExportedEntry {
  position: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  recordedAt: string;
  entityType: string;
  entityId: string;
  masterplanId: string | null;
  userId: string | null;
  organisationId: string | null;
  roles: string[];
  correlationId: string | null;
  causationId: string | null;
  streamId: string;
  version: number;
  summary: string;
  data: unknown;
}

const EXPORT_COLUMNS: ReadonlyArray<keyof ExportedEntry> = [
  'position',
  'eventId',
  'eventType',
  'occurredAt',
  'recordedAt',
  'entityType',
  'entityId',
  'masterplanId',
  'userId',
  'organisationId',
  'roles',
  'correlationId',
  'causationId',
  'streamId',
  'version',
  'summary',
  'data',
];

/** Entries read per batch: memory stays flat whatever the size of the trail. */
const BATCH = 1000;

/** An audit row with the fields of `AuditEntry` in the GraphQL API, times as text. */
export const exportedEntry = (r: AuditRow): ExportedEntry => ({
  position: r.position,
  eventId: r.event_id,
  eventType: r.event_type,
  occurredAt: r.occurred_at,
  recordedAt: r.recorded_at,
  entityType: r.entity_type,
  entityId: r.entity_id,
  masterplanId: r.masterplan_id,
  userId: r.user_id,
  organisationId: r.organisation_id,
  roles: JSON.parse(r.roles) as string[],
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  streamId: r.stream_id,
  version: r.revision,
  summary: r.summary,
  data: JSON.parse(r.data),
});

/** What an export of the audit trail holds: how many entries, and the entries, in log order. */
export interface AuditExport {
  total: number;
  entries: AsyncIterable<ExportedEntry>;
}

/**
 * The audit trail matching `criteria`, as `user` may read it (as `auditTrail` answers it),
 * read in batches by log position up to where the read models stand when it starts.
 */
export async function exportAudit(
  store: ReadStore,
  user: GqlContext['user'],
  criteria: AuditCriteria,
): Promise<AuditExport> {
  const ctx = { user, correlationId: '' } as GqlContext;
  ctx.view = new ReadView(store, undefined, ctx);
  await requireAuditReader(ctx, 'export the audit trail');
  const readable = await criteriaFor(ctx, criteria);
  // Entries appended while the export runs are left for the next one: its total is exact.
  const upTo = store.checkpoint(checkpointOf(auditProjection));
  const list = auditList(readable, upTo === 'start' ? '' : upTo);
  const count = countSql(list);
  const total = store.get<{ count: number }>(count.sql, ...count.params)!.count;
  async function* entries(): AsyncGenerator<ExportedEntry> {
    for (let after: string | undefined; ;) {
      const page = pageSql(list, { first: BATCH, ...(after !== undefined ? { after } : {}) });
      const rows = store.all<AuditRow>(page.sql, ...page.params).slice(0, BATCH);
      for (const row of withSummaries(rows, store))
        yield exportedEntry(await auditRowFor(ctx, row));
      if (rows.length < BATCH) return;
      after = rows.at(-1)!.position;
      // Other requests are served between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { total, entries: entries() };
}

/** The entries as text of a format: CSV (a header row; roles and data as JSON) or JSON Lines. */
export function exportText(entries: AsyncIterable<ExportedEntry>, format: ExportFormat): Readable {
  if (format === 'jsonl')
    return Readable.from(
      (async function* () {
        for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
      })(),
    );
  return Readable.from(
    (async function* () {
      for await (const entry of entries)
        yield EXPORT_COLUMNS.map((column) => {
          const value = entry[column];
          return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
        });
    })(),
  ).pipe(stringify({ header: true, columns: [...EXPORT_COLUMNS] }));
}

/** The content type of a format, for HTTP. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
};

/**
 * An audit filter given as text (URL parameters of the HTTP export, options of the CLI):
 * the fields of `AuditFilter`, `eventTypes` comma-separated, times in RFC 3339. Anything
 * unknown or malformed is refused (BAD_USER_INPUT naming it), so a typo never widens an
 * export to the whole trail.
 */
export function criteriaFromText(params: Record<string, string | undefined>): AuditCriteria {
  const criteria: AuditCriteria = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if ((TEXT_CRITERIA as readonly string[]).includes(name)) {
      criteria[name as (typeof TEXT_CRITERIA)[number]] = value;
    } else if (name === 'entityType') {
      if (!(ENTITY_TYPES as readonly string[]).includes(value))
        throw badInput(
          `entityType must be one of ${ENTITY_TYPES.join(', ')}, not '${value.slice(0, 40)}'`,
          name,
        );
      criteria.entityType = value as EntityType;
    } else if (name === 'eventTypes') {
      const types = value.split(',').map((t) => t.trim());
      const unknown = types.filter((t) => !isDomainEventType(t));
      if (unknown.length > 0)
        throw badInput(
          `eventTypes: no event type is called ${unknown.map((t) => `'${t.slice(0, 40)}'`).join(', ')}`,
          name,
        );
      criteria.eventTypes = types;
    } else if (name === 'occurredFrom' || name === 'occurredBefore') {
      const time = parseDateTime(value);
      if (!time)
        throw badInput(
          `${name} must be an RFC 3339 date and time such as 2013-06-01T00:00:00Z, not '${value.slice(0, 40)}'`,
          name,
        );
      criteria[name] = time;
    } else {
      throw badInput(
        `'${name.slice(0, 40)}' is not a filter of the audit trail; the filters are ${[...TEXT_CRITERIA, 'entityType', 'eventTypes', 'occurredFrom', 'occurredBefore'].join(', ')}`,
        name.slice(0, 40),
      );
    }
  }
  checkCriteria(criteria);
  return criteria;
}
