import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { ConfigurationError } from '@ml/event-store';
import proxyaddr from 'proxy-addr';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What one request may ask of the server, checked before anything runs or is cached.
 * Every value has a default and an environment variable (README, "Configuration").
 */
export interface Limits {
  /** LIMIT_BODY_BYTES: the largest request body. */
  bodyBytes: number;
  /** LIMIT_QUERY_TOKENS: the most lexical tokens in a document (the parser stops there). */
  tokens: number;
  /** LIMIT_QUERY_DEPTH: the deepest nesting of fields. */
  depth: number;
  /** LIMIT_QUERY_FIELDS: the most field selections in a document. */
  fields: number;
  /** LIMIT_QUERY_ALIASES: the most aliases in an operation. */
  aliases: number;
  /** LIMIT_QUERY_DIRECTIVES: the most directives in an operation. */
  directives: number;
  /** LIMIT_QUERY_COST: the most objects an answer may be estimated to hold (see costOf). */
  cost: number;
  /** LIMIT_ANSWER_BYTES: the largest answer sent. */
  answerBytes: number;
  /** LIMIT_EXECUTION_MS: how long one operation may read before it is stopped. */
  executionMs: number;
  /** LIMIT_REQUEST_MS: how long a client may take to send a whole request. */
  requestMs: number;
  /** LIMIT_CONCURRENT_QUERIES: queries executed at once; the others wait their turn. */
  concurrentQueries: number;
  /** LIMIT_QUEUED_QUERIES: queries waiting their turn; more are refused as busy. */
  queuedQueries: number;
  /** LIMIT_REQUESTS_PER_MINUTE: requests per client address and minute (0: no limit). */
  requestsPerMinute: number;
  /** LIMIT_MUTATIONS_PER_MINUTE: mutations per user and minute (0: no limit). */
  mutationsPerMinute: number;
  /** LIMIT_CONNECTIONS_PER_ADDRESS: open connections per client address (proxies excepted). */
  connectionsPerAddress: number;
  /** LIMIT_SOCKETS_PER_ADDRESS: open WebSocket connections per client address. */
  socketsPerAddress: number;
  /** LIMIT_SUBSCRIPTIONS_PER_SOCKET: subscriptions open at once on one WebSocket. */
  subscriptionsPerSocket: number;
  /** GRAPHQL_INTROSPECTION: who may read the schema through GraphQL. */
  introspection: 'on' | 'authenticated' | 'off';
}

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 512 * 1024,
  tokens: 5_000,
  depth: 12,
  fields: 500,
  aliases: 30,
  directives: 50,
  cost: 20_000,
  answerBytes: 8 * 1024 * 1024,
  executionMs: 10_000,
  requestMs: 30_000,
  concurrentQueries: 4,
  queuedQueries: 500,
  requestsPerMinute: 1_200,
  mutationsPerMinute: 300,
  connectionsPerAddress: 100,
  socketsPerAddress: 20,
  subscriptionsPerSocket: 20,
  introspection: 'authenticated',
};

const VARIABLES: Record<Exclude<keyof Limits, 'introspection'>, string> = {
  bodyBytes: 'LIMIT_BODY_BYTES',
  tokens: 'LIMIT_QUERY_TOKENS',
  depth: 'LIMIT_QUERY_DEPTH',
  fields: 'LIMIT_QUERY_FIELDS',
  aliases: 'LIMIT_QUERY_ALIASES',
  directives: 'LIMIT_QUERY_DIRECTIVES',
  cost: 'LIMIT_QUERY_COST',
  answerBytes: 'LIMIT_ANSWER_BYTES',
  executionMs: 'LIMIT_EXECUTION_MS',
  requestMs: 'LIMIT_REQUEST_MS',
  concurrentQueries: 'LIMIT_CONCURRENT_QUERIES',
  queuedQueries: 'LIMIT_QUEUED_QUERIES',
  requestsPerMinute: 'LIMIT_REQUESTS_PER_MINUTE',
  mutationsPerMinute: 'LIMIT_MUTATIONS_PER_MINUTE',
  connectionsPerAddress: 'LIMIT_CONNECTIONS_PER_ADDRESS',
  socketsPerAddress: 'LIMIT_SOCKETS_PER_ADDRESS',
  subscriptionsPerSocket: 'LIMIT_SUBSCRIPTIONS_PER_SOCKET',
};
/** Limits that may be 0 to switch them off. */
const MAY_BE_OFF = new Set<keyof Limits>(['requestsPerMinute', 'mutationsPerMinute']);

/** The limits from the environment; a bad value stops the start with one line saying why. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, variable] of Object.entries(VARIABLES) as Array<
    [Exclude<keyof Limits, 'introspection'>, string]
  >) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    const least = MAY_BE_OFF.has(key) ? 0 : 1;
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < least)
      throw new ConfigurationError(
        `${variable} must be a whole number of at least ${least}, not '${text}'`,
      );
    limits[key] = value;
  }
  const introspection = env.GRAPHQL_INTROSPECTION;
  if (introspection !== undefined && introspection !== '') {
    if (!['on', 'authenticated', 'off'].includes(introspection))
      throw new ConfigurationError(
        `GRAPHQL_INTROSPECTION must be on, authenticated or off, not '${introspection}'`,
      );
    limits.introspection = introspection as Limits['introspection'];
  }
  return limits;
}

/** Whether to believe the proxy in front at hop `hop` (0: the one that connected). */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY: behind a load balancer, which proxies to believe about the client's address
 * (X-Forwarded-For): a number of hops (1: the one balancer in front) or the proxies'
 * addresses (comma-separated, CIDR ranges allowed). Unset or `off`: the connecting address
 * is the client's. There is no "trust every proxy": a client could then name its own
 * address and slip past every limit per address.
 */
/** The most proxies one may put in front; a request passing through more is unusual. */
const MOST_HOPS = 10;

export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  const value = env.TRUST_PROXY?.trim();
  if (!value || value === 'off') return () => false;
  const refused = (why = '') =>
    new ConfigurationError(
      `TRUST_PROXY must be off, a number of hops (1 to ${MOST_HOPS}) or the proxies' addresses (e.g. 10.0.0.0/8,10.1.2.3), not '${value}'${why}`,
    );
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    // As many hops as a client cares to forward would trust every sender.
    if (hops > MOST_HOPS) throw refused();
    return (_address, hop) => hop < hops;
  }
  const addresses = value.split(',').map((a) => a.trim());
  for (const address of addresses) {
    const [, bits] = address.split('/');
    const wide = address.includes(':') ? 16 : 8;
    if (bits !== undefined && Number(bits) < wide)
      throw refused(`: ${address} would trust a large part of the internet`);
  }
  try {
    return proxyaddr.compile(addresses);
  } catch {
    throw refused();
  }
}

/**
 * CORS_ORIGINS: the web origins (scheme, host and port, comma-separated) whose pages may
 * call this API from a browser; none by default, so only pages of the same origin may.
 */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.CORS_ORIGINS?.trim();
  if (!value) return [];
  const origins = value.split(',').map((o) => o.trim());
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin)
      throw new ConfigurationError(
        `CORS_ORIGINS must list origins such as https://plan.example.org, comma-separated; '${origin}' is not one`,
      );
  }
  return origins;
}

/** The error a refused request gets: which limit, how far over it, what to do. */
export function limitError(limit: string, max: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'LIMIT_EXCEEDED', limit, max } });
}

/**
 * The validation rules that refuse a document by its shape alone (graphql-armor's), each
 * reporting a LIMIT_EXCEEDED error that names the limit instead of throwing.
 */
export function shapeRules(limits: Limits): ValidationRule[] {
  const found = (error: GraphQLError) => Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);
  const report =
    (limit: string, max: number, say: (found: number) => string) =>
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(limitError(limit, max, say(found(error))));
  return [
    maxFieldsRule(limits.fields),
    maxDepthRule({
      n: limits.depth,
      propagateOnRejection: false,
      onReject: [
        report(
          'depth',
          limits.depth,
          (n) =>
            `The query nests fields ${n} deep; at most ${limits.depth} levels are allowed. Ask for less at once, and follow links in further queries`,
        ),
      ],
    }),
    maxAliasesRule({
      n: limits.aliases,
      propagateOnRejection: false,
      onReject: [
        report(
          'aliases',
          limits.aliases,
          (n) => `The operation has ${n} aliases; at most ${limits.aliases} are allowed`,
        ),
      ],
    }),
    maxDirectivesRule({
      n: limits.directives,
      propagateOnRejection: false,
      onReject: [
        report(
          'directives',
          limits.directives,
          (n) => `The operation has ${n} directives; at most ${limits.directives} are allowed`,
        ),
      ],
    }),
  ];
}

/** Refuses a document with more than `max` field selections (fragments counted once each). */
function maxFieldsRule(max: number): ValidationRule {
  return (context) => {
    let fields = 0;
    let reported = false;
    return {
      Field() {
        if (++fields > max && !reported) {
          reported = true;
          context.reportError(
            limitError(
              'fields',
              max,
              `The document selects more than ${max} fields; ask for less at once`,
            ),
          );
        }
      },
    };
  };
}

/** How many items an unpaged list is counted as, and a connection when `first` is not given. */
export const LIST_SIZE = 10;
export const PAGE_SIZE = 50;

/**
 * The cost model: an answer costs the number of objects it can hold. An object field costs
 * 1 plus what is selected in it; a list of objects costs LIST_SIZE times that (it has no
 * page size); a connection (`…Connection`) costs its `first` (PAGE_SIZE when not given)
 * times what one of its edges costs. Scalars are free. So nesting lists multiplies, and a
 * query whose answer could grow as the product of several lists is refused before it runs.
 */
const objectsEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNullableType(field.type);
  const named = getNamedType(field.type);
  const isObject = 'getFields' in named;
  if (!isObject) return 0;
  if (named.name.endsWith('Connection')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : PAGE_SIZE;
    return 1 + first * childComplexity;
  }
  // Inside a connection, the page's edges are counted by the connection itself.
  if (field.name === 'edges') return childComplexity;
  return isListType(type) ? 1 + LIST_SIZE * childComplexity : 1 + childComplexity;
};

/** The estimated cost of an operation with its variables, or an error saying why it has none. */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  return getComplexity({
    schema,
    query: document,
    estimators: [objectsEstimator],
    ...(variables ? { variables } : {}),
    ...(operationName ? { operationName } : {}),
  });
}

export function costError(limits: Limits, cost: number): GraphQLError {
  return limitError(
    'cost',
    limits.cost,
    `The query could return about ${cost} objects; at most ${limits.cost} are allowed. Page with first/after, ask for fewer nested lists, or split it (cost model: docs/security.md)`,
  );
}

/** Whether a document reads the schema itself (`__schema`, `__type`; `__typename` is fine). */
export function readsSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** How deeply a JSON value nests; deep variables cost the server a deep recursion. */
export function nesting(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let deepest = depth;
  for (const member of Object.values(value as object)) {
    deepest = Math.max(deepest, nesting(member, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}
