import { GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { isRealDate } from '../shared/validation.js';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** The instant a date-time string names, or undefined when it names none (`2013-02-30`, `24:00`). */
export function parseDateTime(text: string): Date | undefined {
  const parts = RFC3339.exec(text);
  if (!parts || !isRealDate(text)) return undefined;
  const [hour, minute, second] = parts.slice(4, 7).map((p) => Number(p ?? 0));
  const offsetOk = parts[8] === undefined || (Number(parts[8]) < 24 && Number(parts[9]) < 60);
  if (hour! > 23 || minute! > 59 || second! > 59 || !offsetOk) return undefined;
  return new Date(text);
}

/** A plain error: GraphQL wraps it with the argument or variable and its location. */
function refuse(shown: string): never {
  throw new TypeError(
    `a DateTime is an RFC 3339 date and time with its offset, as a string such as "2013-06-01T00:00:00Z"; ${shown} is none`,
  );
}

function parse(value: unknown, shown: string): Date {
  if (typeof value !== 'string') refuse(shown);
  return parseDateTime(value) ?? refuse(shown);
}

/**
 * Date and time as RFC 3339 strings, strictly: a number (epoch milliseconds or not) or a
 * string that names no real instant is refused, written in the query or sent as a variable
 * alike, instead of meaning something the client did not say.
 */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'A date and time as an RFC 3339 string with its offset, e.g. "2013-06-01T00:00:00Z" or "2013-06-01T09:30:00+02:00". Answers are always in UTC.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError(`Not a date: ${String(value)}`);
    return date.toISOString();
  },
  parseValue: (value) => parse(value, JSON.stringify(value) ?? String(value)),
  parseLiteral: (node: ValueNode) =>
    parse(node.kind === Kind.STRING ? node.value : undefined, print(node)),
});
