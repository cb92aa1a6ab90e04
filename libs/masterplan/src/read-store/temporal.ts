import type { ReadStore } from './read-store.js';

/**
 * Read-model rows are versioned by log position: a row is valid from the position of the
 * event that wrote it (`valid_from`) until the position of the event that changed or
 * removed it (`valid_to`, OPEN while current). A change closes the current row and adds
 * the new one, so the read models at any past position are an indexed query on the same
 * tables: `valid_from <= at AND valid_to > at`. The live view asks at NOW.
 */
export const OPEN = '~';
/** The moment of the live view: after every log position, before OPEN. */
export const NOW = '}';

/** The two columns every versioned table ends with. */
export const VALIDITY = `valid_from TEXT NOT NULL, valid_to TEXT NOT NULL DEFAULT '${OPEN}'`;

/** The condition selecting the rows valid at `?at` (a named parameter) for table alias `t`. */
export const validAt = (alias?: string) => {
  const p = alias ? `${alias}.` : '';
  return `${p}valid_from <= @at AND ${p}valid_to > @at`;
};

type Values = Record<string, unknown>;

const sqlCache = new Map<string, string>();
const columnsCache = new WeakMap<ReadStore, Map<string, string[]>>();

function cachedSql(key: string, build: () => string): string {
  let sql = sqlCache.get(key);
  if (sql === undefined) sqlCache.set(key, (sql = build()));
  return sql;
}

function columnsOf(store: ReadStore, table: string): string[] {
  let tables = columnsCache.get(store);
  if (!tables) columnsCache.set(store, (tables = new Map()));
  let columns = tables.get(table);
  if (!columns) {
    columns = (store.db.pragma(`table_info("${table}")`) as Array<{ name: string }>)
      .map((c) => c.name)
      .filter((name) => name !== 'valid_from' && name !== 'valid_to');
    tables.set(table, columns);
  }
  return columns;
}

const matching = (key: Values) =>
  Object.keys(key)
    .map((column) => `${column} = ?`)
    .join(' AND ');

/** Adds a row, current from `at`. */
export function insertRow(store: ReadStore, table: string, values: Values, at: string): void {
  const columns = Object.keys(values);
  const sql = cachedSql(
    `insert|${table}|${columns.join(',')}`,
    () =>
      `INSERT INTO ${table} (${columns.join(', ')}, valid_from) VALUES (${columns.map(() => '?').join(', ')}, ?)`,
  );
  store.run(sql, ...Object.values(values), at);
}

/**
 * Changes the current row with `key`: it stays as it was up to `at`, and a copy with the
 * changes is current from `at`. A second change by the same event edits that copy. A key
 * without a current row is left alone, as an UPDATE would.
 */
export function changeRow(
  store: ReadStore,
  table: string,
  key: Values,
  changes: Values,
  at: string,
): void {
  const changed = Object.keys(changes);
  const id = `${table}|${Object.keys(key).join(',')}|${changed.join(',')}`;
  const close = cachedSql(
    `close-before|${id}`,
    () =>
      `UPDATE ${table} SET valid_to = ? WHERE ${matching(key)} AND valid_to = '${OPEN}' AND valid_from <> ?`,
  );
  if (store.run(close, at, ...Object.values(key), at).changes === 0) {
    const inPlace = cachedSql(
      `in-place|${id}`,
      () =>
        `UPDATE ${table} SET ${changed.map((c) => `${c} = ?`).join(', ')} WHERE ${matching(key)} AND valid_to = '${OPEN}'`,
    );
    store.run(inPlace, ...Object.values(changes), ...Object.values(key));
    return;
  }
  const columns = columnsOf(store, table);
  const copy = cachedSql(
    `copy|${id}`,
    () =>
      `INSERT INTO ${table} (${columns.join(', ')}, valid_from)
       SELECT ${columns.map((c) => (c in changes ? `@${c}` : c)).join(', ')}, @valid_from
       FROM ${table} WHERE ${Object.keys(key)
         .map((c) => `${c} = @key_${c}`)
         .join(' AND ')} AND valid_to = @valid_from`,
  );
  const params: Values = { ...changes, valid_from: at };
  for (const [column, value] of Object.entries(key)) params[`key_${column}`] = value;
  store.run(copy, params);
}

/** Ends the current row with `key` at `at` (it stays in the past). */
export function endRow(store: ReadStore, table: string, key: Values, at: string): void {
  const sql = cachedSql(
    `end|${table}|${Object.keys(key).join(',')}`,
    () => `UPDATE ${table} SET valid_to = ? WHERE ${matching(key)} AND valid_to = '${OPEN}'`,
  );
  store.run(sql, at, ...Object.values(key));
}
