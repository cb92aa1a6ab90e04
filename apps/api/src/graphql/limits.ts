import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { loadConfiguration, type Configuration } from '@ml/config';
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
 * Every value has a default and an environment variable (docs/operations.md, "Settings").
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

/** What one request may ask, as the configuration says. */
export function limitsOf(configuration: Configuration): Limits {
  return {
    bodyBytes: configuration.LIMIT_BODY_BYTES,
    tokens: configuration.LIMIT_QUERY_TOKENS,
    depth: configuration.LIMIT_QUERY_DEPTH,
    fields: configuration.LIMIT_QUERY_FIELDS,
    aliases: configuration.LIMIT_QUERY_ALIASES,
    directives: configuration.LIMIT_QUERY_DIRECTIVES,
    cost: configuration.LIMIT_QUERY_COST,
    answerBytes: configuration.LIMIT_ANSWER_BYTES,
    executionMs: configuration.LIMIT_EXECUTION_MS,
    requestMs: configuration.LIMIT_REQUEST_MS,
    concurrentQueries: configuration.LIMIT_CONCURRENT_QUERIES,
    queuedQueries: configuration.LIMIT_QUEUED_QUERIES,
    requestsPerMinute: configuration.LIMIT_REQUESTS_PER_MINUTE,
    mutationsPerMinute: configuration.LIMIT_MUTATIONS_PER_MINUTE,
    connectionsPerAddress: configuration.LIMIT_CONNECTIONS_PER_ADDRESS,
    socketsPerAddress: configuration.LIMIT_SOCKETS_PER_ADDRESS,
    subscriptionsPerSocket: configuration.LIMIT_SUBSCRIPTIONS_PER_SOCKET,
    introspection: configuration.GRAPHQL_INTROSPECTION,
  };
}

/** The limits when no variable says otherwise. */
export const DEFAULT_LIMITS: Limits = limitsOf(loadConfiguration({}));

/** Whether to believe the proxy in front at hop `hop` (0: the one that connected). */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY: behind a load balancer, which proxies to believe about the client's address
 * (X-Forwarded-For). There is no "trust every proxy": a client could then name its own
 * address and slip past every limit per address.
 */
export function trustProxyOf(configuration: Configuration): TrustProxy {
  const trusted = configuration.TRUST_PROXY;
  if (trusted === 'off') return () => false;
  if ('hops' in trusted) return (_address, hop) => hop < trusted.hops;
  return proxyaddr.compile(trusted.addresses);
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
      // Every alias counts: the library's default lets `__typename` through uncounted.
      allowList: [],
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
    `The query could return ${Number.isFinite(cost) ? `about ${cost}` : 'more'} objects${Number.isFinite(cost) ? '' : ' than can be counted'}; at most ${limits.cost} are allowed. Page with first/after, ask for fewer nested lists, or split it (cost model: docs/security.md)`,
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
