/** An entity of a masterplan as a diff compares it: its fields as the API shows them. */
export interface Snapshot {
  entityType: DiffEntityType;
  entityId: string;
  fields: Record<string, unknown>;
}

export type DiffEntityType = 'theme_field' | 'measure' | 'assignment' | 'commitment';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface Change {
  entityType: DiffEntityType;
  entityId: string;
  kind: ChangeKind;
  /** For `changed`, the fields whose values differ; for `added` and `removed`, every field. */
  fields: FieldChange[];
}

const keyOf = (s: Snapshot) => `${s.entityType}:${s.entityId}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What differs between two moments of a masterplan: the entities added, removed and changed
 * from `before` to `after`, in the order `after` lists them (removed ones last, in the order
 * `before` lists them).
 */
export function diffSnapshots(before: readonly Snapshot[], after: readonly Snapshot[]): Change[] {
  const earlier = new Map(before.map((s) => [keyOf(s), s]));
  const later = new Set(after.map(keyOf));
  const changes: Change[] = [];
  for (const now of after) {
    const then = earlier.get(keyOf(now));
    if (!then) {
      changes.push({
        entityType: now.entityType,
        entityId: now.entityId,
        kind: 'added',
        fields: Object.entries(now.fields).map(([field, value]) => ({
          field,
          before: null,
          after: value,
        })),
      });
      continue;
    }
    const fields = [...new Set([...Object.keys(then.fields), ...Object.keys(now.fields)])]
      .filter((field) => !same(then.fields[field], now.fields[field]))
      .map((field) => ({
        field,
        before: then.fields[field] ?? null,
        after: now.fields[field] ?? null,
      }));
    if (fields.length > 0)
      changes.push({ entityType: now.entityType, entityId: now.entityId, kind: 'changed', fields });
  }
  for (const then of before)
    if (!later.has(keyOf(then)))
      changes.push({
        entityType: then.entityType,
        entityId: then.entityId,
        kind: 'removed',
        fields: Object.entries(then.fields).map(([field, value]) => ({
          field,
          before: value,
          after: null,
        })),
      });
  return changes;
}
