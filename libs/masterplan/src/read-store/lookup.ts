import { validAt } from './temporal.js';

/**
 * One kind of batched lookup in the read models: the SQL that answers many keys at once
 * (`?` is a JSON array of the keys, `@at` the view's log position) and how its rows answer
 * each key. A feature declares its lookups once, next to its tables; `ReadView.loader`
 * makes one DataLoader of each per view, so a lookup costs one query per tick whatever
 * the number of keys.
 */
export interface Lookup<Row, Value> {
  readonly sql: string;
  answer(keys: readonly string[], rows: Row[]): Value[];
}

/** The lookups of a versioned table (see temporal.ts): its rows as of the view, by a column. */
export function versionedTable<Row>(table: string) {
  const rowsAt = (key: string, order?: string) =>
    `SELECT * FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?)) AND ${validAt()}${order ? ` ORDER BY ${order}` : ''}`;
  return {
    /** The row each key finds (undefined where it finds none). */
    rowBy(key: keyof Row & string): Lookup<Row, Row | undefined> {
      return {
        sql: rowsAt(key),
        answer(keys, rows) {
          const found = new Map(rows.map((row) => [row[key] as string, row]));
          return keys.map((k) => found.get(k));
        },
      };
    },
    /** The rows each key finds, in `order` (an ORDER BY; none if left out). */
    rowsBy(key: keyof Row & string, order?: string): Lookup<Row, Row[]> {
      return {
        sql: rowsAt(key, order),
        answer(keys, rows) {
          const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
          for (const row of rows) groups.get(row[key] as string)?.push(row);
          return keys.map((k) => groups.get(k)!);
        },
      };
    },
  };
}
