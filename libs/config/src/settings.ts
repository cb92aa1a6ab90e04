import { z } from 'zod';
import {
  directory,
  host,
  httpUrl,
  oneOf,
  port,
  publicKeyPem,
  secret,
  text,
  trustedProxies,
  webOrigins,
  wholeNumber,
  LONGEST_TIMER_MS,
  type Kind,
} from './kinds.js';

/** What the settings table says of a setting (docs/operations.md, kept equal by a test). */
export interface SettingDocumentation {
  /** The default as one would write it; absent, the setting is unset unless given. */
  default?: string;
  takes: string;
  meaning: string;
}

export const documentation = z.registry<SettingDocumentation>();

/**
 * One environment variable: its text read as `kind`, `default` when unset. Set but empty, it
 * is refused when it has a default (an empty PORT is a mistake, not a wish for 3000) and
 * counts as unset otherwise (an empty JWT_ISSUER checks no issuer). A refusal's message
 * follows the variable's name: `must be <what the kind takes>, not '<text>'`, or the kind's
 * own reason.
 */
function setting<T>(
  kind: Kind<T>,
  doc: { default: string; meaning: string },
): z.ZodType<T, string | undefined>;
function setting<T>(
  kind: Kind<T>,
  doc: { meaning: string },
): z.ZodType<T | undefined, string | undefined>;
function setting<T>(kind: Kind<T>, doc: { default?: string; meaning: string }) {
  const schema = z
    .string()
    .optional()
    .transform((raw, context) => {
      const text = raw?.trim() || undefined;
      if (raw !== undefined && text === undefined && doc.default !== undefined) {
        context.addIssue(`is empty; leave it unset for its default (${doc.default})`);
        return z.NEVER;
      }
      if (text === undefined && doc.default === undefined) return undefined;
      const parsed = kind.schema.safeParse(text ?? doc.default);
      if (parsed.success) return parsed.data;
      const reason = parsed.error.issues.find(
        (issue) => issue.code === 'custom' && issue.params?.reason,
      );
      context.addIssue(
        reason?.message ??
          `must be ${kind.takes}, not ${kind.secret ? 'the value given (not shown: a secret)' : quoted(raw!)}`,
      );
      return z.NEVER;
    });
  documentation.add(schema, { ...doc, takes: kind.takes });
  return schema;
}

/** A value as it may be shown in one line: line breaks written out, a long one cut. */
function quoted(value: string): string {
  const line = value.replace(/\r?\n/g, '\\n');
  return `'${line.length > 80 ? `${line.slice(0, 77)}…` : line}'`;
}

const bytes = wholeNumber(1, 'bytes');
const milliseconds = wholeNumber(1, 'milliseconds', LONGEST_TIMER_MS);
const atLeastOne = wholeNumber(1);
const zeroForOff = wholeNumber(0);

/**
 * Every environment variable the server and the CLI read, in the order of the settings
 * table. A new setting is one line here (and its row in docs/operations.md, which a test
 * prints when it is missing); its value is then `configuration.NAME`, already checked.
 */
export const settings = {
  PORT: setting(port, { default: '3000', meaning: 'HTTP port (`0` picks a free one)' }),
  HOST: setting(host, {
    default: '127.0.0.1',
    meaning:
      'interface to listen on (`0.0.0.0`: all, as in the Docker image); a name must resolve to an address of this machine',
  }),
  DATA_DIR: setting(directory, {
    default: './data',
    meaning:
      'where the server keeps `events.sqlite` (embedded engine), `read-models.sqlite` and its token key `jwt-signing-key.json`; created if missing, must be writable. `seed:demo`, `token` and the other CLI verbs must be given the same one',
  }),
  EVENTSTORE_CONNECTION_STRING: setting(text, {
    meaning:
      'when set, events live in EventStoreDB or KurrentDB instead, e.g. `esdb://localhost:2113?tls=false` or `esdb://n1:2113,n2:2113,n3:2113?tls=true` for a cluster (checked by the client at start)',
  }),
  SQLITE_DURABILITY: setting(oneOf('FULL', 'NORMAL', 'EXTRA'), {
    default: 'FULL',
    meaning:
      '`FULL`: an acknowledged append survives a power loss (the WAL is synced on every commit). `NORMAL`: survives a crash of the process, but the last commits can be lost with the machine; much faster commits. `EXTRA`: also syncs the directory',
  }),
  SQLITE_WRITER: setting(oneOf('inline', 'thread'), {
    default: 'inline',
    meaning:
      "who commits appends to SQLite: `inline`, the server's JavaScript thread; `thread`, a writer thread with its own connection, so a commit's fsync never stalls requests (no faster on our benchmark machine, see [`docs/event-store.md`](event-store.md#where-groups-are-committed-inline-or-in-a-writer-thread))",
  }),
  READ_YOUR_WRITES_TIMEOUT_MS: setting(milliseconds, {
    default: '5000',
    meaning: 'how long a mutation waits for the read models to show its change',
  }),
  MASTERPLAN_REACTIONS: setting(oneOf('on', 'off'), {
    default: 'on',
    meaning: '`off` runs an instance without reactions (e.g. a read-only replica)',
  }),
  LOG_LEVEL: setting(oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), {
    default: 'info',
    meaning: 'the least severe log lines written; `silent` writes none',
  }),
  LOG_FORMAT: setting(oneOf('json', 'pretty'), {
    meaning:
      'how log lines are written: `json` (one object per line), `pretty` (for people; coloured only on a terminal). Unset: `pretty` on a terminal, `json` otherwise',
  }),
  READY_MAX_LAG_EVENTS: setting(atLeastOne, {
    default: '1000',
    meaning:
      '`/health/ready` answers 503 while a read model or the reactions are further behind the log',
  }),
  READY_MAX_LAG_SECONDS: setting(wholeNumber(1, 'seconds', Math.floor(LONGEST_TIMER_MS / 1000)), {
    default: '30',
    meaning: '… or while the oldest event they have not applied is older',
  }),
  METRICS_TOKEN: setting(secret, {
    meaning:
      'when set, `/metrics` answers only `Authorization: Bearer <token>`; unset, it is open (restrict it at the proxy)',
  }),
  SHUTDOWN_GRACE_MS: setting(wholeNumber(0, 'milliseconds', LONGEST_TIMER_MS), {
    default: '10000',
    meaning:
      'on SIGTERM or SIGINT, how long requests already running may take to finish before their connections are cut (see "Starting and stopping")',
  }),
  JWT_PRIVATE_KEY_FILE: setting(text, {
    meaning:
      "the server's own signing key (tokens, checkpoints of the log), shared by several instances behind a load balancer: a JWK as the server writes it or a PKCS#8 PEM of a P-256 key; created there (owner-only) when missing. Unset: `jwt-signing-key.json` in `DATA_DIR`",
  }),
  JWT_PUBLIC_KEY: setting(publicKeyPem, {
    meaning: 'also accept tokens of an external identity provider signed with this key',
  }),
  JWT_JWKS_URL: setting(httpUrl, {
    meaning:
      'also accept tokens of an external identity provider whose keys are published here (instead of `JWT_PUBLIC_KEY`)',
  }),
  JWT_ISSUER: setting(text, { meaning: 'the issuer external tokens must name' }),
  JWT_AUDIENCE: setting(text, {
    meaning:
      'the audience external tokens must name. Unset: an external token that names an audience is refused',
  }),
  JWT_ROLES_CLAIM: setting(text, {
    default: 'roles',
    meaning:
      "the claim of an external token listing its user's roles (`administrator` among them makes an administrator)",
  }),
  CORS_ORIGINS: setting(webOrigins, {
    meaning:
      'web origins whose pages may call the API from a browser, over HTTP and WebSocket; when unset, only pages of the same origin may',
  }),
  TRUST_PROXY: setting(trustedProxies, {
    default: 'off',
    meaning:
      "behind a load balancer: the number of proxies in front (`1`), or their addresses (CIDR ranges allowed), so that limits see the clients' addresses (`X-Forwarded-For`); there is no `on` (trusting every sender would let a client choose its own address)",
  }),
  GRAPHQL_EXPLORER: setting(oneOf('on', 'off'), {
    default: 'on',
    meaning:
      'whether a browser opening `/graphql` gets the GraphQL explorer (Altair, served by the server itself)',
  }),
  AUDIT_CHECKPOINT_MINUTES: setting(
    wholeNumber(0, 'minutes', Math.floor(LONGEST_TIMER_MS / 60_000)),
    {
      default: '60',
      meaning:
        'how often the server signs the head of the log when something new was appended ([`docs/integrity.md`](integrity.md)); `0`: only on demand',
    },
  ),
  GRAPHQL_INTROSPECTION: setting(oneOf('on', 'authenticated', 'off'), {
    default: 'authenticated',
    meaning:
      'who may read the schema through GraphQL: `on` (anyone), `authenticated` (with a token), `off`; "Did you mean …" hints only with `on`',
  }),
  LIMIT_BODY_BYTES: setting(bytes, {
    default: '524288',
    meaning: 'the largest request body (and WebSocket message)',
  }),
  LIMIT_REQUEST_MS: setting(milliseconds, {
    default: '30000',
    meaning: 'how long a client may take to send a whole request',
  }),
  LIMIT_CONNECTIONS_PER_ADDRESS: setting(atLeastOne, {
    default: '100',
    meaning: 'open connections per client address (trusted proxies excepted)',
  }),
  LIMIT_QUERY_TOKENS: setting(atLeastOne, {
    default: '5000',
    meaning: 'tokens in a GraphQL document',
  }),
  LIMIT_QUERY_DEPTH: setting(atLeastOne, { default: '12', meaning: 'depth of a document' }),
  LIMIT_QUERY_FIELDS: setting(atLeastOne, {
    default: '500',
    meaning: 'field selections in a document',
  }),
  LIMIT_QUERY_ALIASES: setting(atLeastOne, { default: '30', meaning: 'aliases in an operation' }),
  LIMIT_QUERY_DIRECTIVES: setting(atLeastOne, {
    default: '50',
    meaning: 'directives in an operation',
  }),
  LIMIT_QUERY_COST: setting(atLeastOne, {
    default: '20000',
    meaning:
      'estimated objects an answer could hold (cost model in [`docs/security.md`](security.md#limits))',
  }),
  LIMIT_ANSWER_BYTES: setting(bytes, {
    default: '8388608',
    meaning:
      'the largest answer of a query or subscription message (a query may read 4 times as much text)',
  }),
  LIMIT_EXECUTION_MS: setting(milliseconds, {
    default: '10000',
    meaning: 'how long one operation may read before it is stopped',
  }),
  LIMIT_CONCURRENT_QUERIES: setting(atLeastOne, {
    default: '4',
    meaning:
      'queries executed at once; the others wait their turn (so a flood of heavy queries leaves room for everything else). Of these, one large query at a time: estimated at more than 10,000 objects, or grown past 2,000 objects or 1 MB of text read',
  }),
  LIMIT_QUEUED_QUERIES: setting(atLeastOne, {
    default: '500',
    meaning: 'queries waiting their turn; beyond, `RATE_LIMITED` (busy)',
  }),
  LIMIT_REQUESTS_PER_MINUTE: setting(zeroForOff, {
    default: '1200',
    meaning:
      'requests to `/graphql` (and operations on WebSockets) per client address and minute (`0`: off)',
  }),
  LIMIT_MUTATIONS_PER_MINUTE: setting(zeroForOff, {
    default: '300',
    meaning:
      'mutations per user and minute, each mutation field of an operation counted (`0`: off)',
  }),
  LIMIT_SOCKETS_PER_ADDRESS: setting(atLeastOne, {
    default: '20',
    meaning: 'open WebSocket connections per client address',
  }),
  LIMIT_SUBSCRIPTIONS_PER_SOCKET: setting(atLeastOne, {
    default: '20',
    meaning: 'operations open at once on one WebSocket',
  }),
  DEBUG: setting(text, {
    meaning: 'set to anything, the CLI prints an unexpected error whole, with its stack',
  }),
};
