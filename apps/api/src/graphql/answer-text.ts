import { nextSlice } from '@ml/masterplan';

/** Values written between asking for the thread (nextSlice). */
const CHECK_EVERY = 64;
/**
 * A list at least this long is a list of many small things (edges, measures): each item is
 * written whole by JSON.stringify (fast), with a look at the clock between items. Shorter
 * lists and objects are walked into, so that a few large parts are cut up too.
 */
const LONG_LIST = 16;

type Frame =
  | { array: readonly unknown[]; next: number }
  | { object: Record<string, unknown>; keys: string[]; next: number; written: number };

/**
 * `JSON.stringify(value)`, written in slices of the thread shared by every request
 * (nextSlice), with other work let in between: an answer of several megabytes takes tens of
 * milliseconds to write, which in one go would hold every other request and health check. Same text as
 * JSON.stringify for what an execution result holds (plain and prototype-less objects,
 * arrays, strings, numbers, booleans, null, values with toJSON; undefined and functions
 * left out of objects and null in arrays).
 */
export async function answerText(value: unknown): Promise<string> {
  const parts: string[] = [];
  const stack: Frame[] = [];
  let written = 0;

  // Writes a leaf, or opens a frame for an array or object; false: nothing to write.
  const begin = (raw: unknown, inArray: boolean): boolean => {
    const v =
      raw !== null &&
      typeof raw === 'object' &&
      typeof (raw as { toJSON?: unknown }).toJSON === 'function'
        ? (raw as { toJSON: () => unknown }).toJSON()
        : raw;
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      if (inArray) parts.push('null');
      return inArray;
    }
    if (Array.isArray(v)) {
      parts.push('[');
      stack.push({ array: v, next: 0 });
    } else if (v !== null && typeof v === 'object') {
      parts.push('{');
      stack.push({
        object: v as Record<string, unknown>,
        keys: Object.keys(v),
        next: 0,
        written: 0,
      });
    } else parts.push(JSON.stringify(v));
    return true;
  };

  if (!begin(value, false)) return undefined as unknown as string;
  while (stack.length > 0) {
    if (++written % CHECK_EVERY === 0) {
      const turn = nextSlice();
      if (turn) await turn;
    }
    const frame = stack.at(-1)!;
    if ('array' in frame) {
      if (frame.next === frame.array.length) {
        stack.pop();
        parts.push(']');
        continue;
      }
      if (frame.next > 0) parts.push(',');
      const item = frame.array[frame.next++];
      if (frame.array.length >= LONG_LIST) parts.push(JSON.stringify(item) ?? 'null');
      else begin(item, true);
    } else {
      if (frame.next === frame.keys.length) {
        stack.pop();
        parts.push('}');
        continue;
      }
      const key = frame.keys[frame.next++]!;
      const at = parts.length;
      parts.push(frame.written > 0 ? ',' : '', JSON.stringify(key), ':');
      if (begin(frame.object[key], false)) frame.written++;
      else parts.length = at;
    }
  }
  return parts.join('');
}
