import { Field, ObjectType } from '@nestjs/graphql';

/** A cursor is a log position, opaque to clients. */
export const encodeCursor = (position: string) =>
  Buffer.from(position, 'utf8').toString('base64url');

/** The log position a cursor stands for, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[0-9]+(\/[0-9]+)?$/.test(position) && encodeCursor(position) === cursor
    ? position
    : undefined;
}

/** Where a page of a Relay cursor connection starts and ends, and whether there is more. */
@ObjectType()
export class PageInfo {
  @Field({ description: 'Whether entries follow this page (in the order asked for).' })
  hasNextPage!: boolean;
  @Field({
    description:
      'Whether entries come before this page (those up to the `after` cursor, in the order asked for).',
  })
  hasPreviousPage!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the first entry of the page.',
  })
  startCursor?: string | null;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor?: string | null;
}

export const TOTAL_COUNT_DESCRIPTION =
  'How many entries match, on all pages (counted only when asked for).';

/**
 * A filtered list, ordered by log position, as SQL: the clauses a connection's page, its
 * "anything before?" and its count share.
 */
export interface ListQuery {
  /** The columns of a row, e.g. `e.*`. */
  select: string;
  /** Tables and joins. */
  from: string;
  where: readonly string[];
  params: readonly unknown[];
  /** The log position column the list is ordered and paged by. */
  position: string;
}

export interface PageRequest {
  first: number;
  /** The position of the `after` cursor. */
  after?: string;
  newestFirst?: boolean;
}

export interface PageSql {
  sql: string;
  params: unknown[];
}

const whereOf = (clauses: readonly string[]) =>
  clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';

/** The SQL of one page (a row more than asked, to know whether more follow). */
export function pageSql(query: ListQuery, page: PageRequest): PageSql {
  const where = [...query.where];
  const params = [...query.params];
  if (page.after !== undefined) {
    where.push(`${query.position} ${page.newestFirst ? '<' : '>'} ?`);
    params.push(page.after);
  }
  return {
    sql: `SELECT ${query.select} FROM ${query.from} ${whereOf(where)}
      ORDER BY ${query.position} ${page.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`,
    params: [...params, page.first + 1],
  };
}

/** The SQL of the whole list, in order (for lists known to be short, such as one entity's). */
export function allSql(query: ListQuery): PageSql {
  return {
    sql: `SELECT ${query.select} FROM ${query.from} ${whereOf(query.where)} ORDER BY ${query.position}`,
    params: [...query.params],
  };
}

/** The SQL telling whether any entry comes before the page (undefined: none can, no cursor). */
export function earlierSql(query: ListQuery, page: PageRequest): PageSql | undefined {
  if (page.after === undefined) return undefined;
  return {
    sql: `SELECT 1 FROM ${query.from} ${whereOf([
      ...query.where,
      `${query.position} ${page.newestFirst ? '>=' : '<='} ?`,
    ])} LIMIT 1`,
    params: [...query.params, page.after],
  };
}

/** The SQL counting every entry of the list. */
export function countSql(query: ListQuery): PageSql {
  return {
    sql: `SELECT COUNT(*) AS count FROM ${query.from} ${whereOf(query.where)}`,
    params: [...query.params],
  };
}

/**
 * What a Relay connection answers. `hasPreviousPage` and `totalCount` are getters, read only
 * when the client asks for them: for a filter that matches little, SQLite may look through
 * much of the list to answer them.
 */
export interface Connection<Node> {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: {
    hasNextPage: boolean;
    readonly hasPreviousPage: Promise<boolean>;
    startCursor: string | null;
    endCursor: string | null;
  };
  readonly totalCount: Promise<number>;
}

/** Reads rows with SQL and parameters (a read model's own way: temporal or not). */
export type ReadRows = <T>(sql: string, params: unknown[]) => T[];

/**
 * One page of a list as a connection, each row's log position its cursor: the page is read
 * at once, whether entries come before it and how many there are when asked, each a step of
 * the request's read view (so limits and turns apply to them as to any read).
 */
export async function connectionOf<Row extends { position: string }, Node>(
  view: { step<T>(work: () => T): Promise<T> },
  read: ReadRows,
  query: ListQuery,
  page: PageRequest,
  nodesOf: (rows: Row[]) => Node[] | Promise<Node[]>,
): Promise<Connection<Node>> {
  const sql = pageSql(query, page);
  const rows = await view.step(() => read<Row>(sql.sql, sql.params));
  const shown = rows.slice(0, page.first);
  const nodes = await nodesOf(shown);
  const edges = shown.map((row, i) => ({ cursor: encodeCursor(row.position), node: nodes[i]! }));
  const earlier = earlierSql(query, page);
  const count = countSql(query);
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      get hasPreviousPage() {
        if (earlier === undefined) return Promise.resolve(false);
        return view.step(() => read(earlier.sql, earlier.params).length > 0);
      },
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return view.step(() => read<{ count: number }>(count.sql, count.params)[0]!.count);
    },
  };
}
