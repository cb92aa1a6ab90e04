import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, posix, relative } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getDistDirectory, renderAltair, type RenderOptions } from 'altair-static';
import { ConfigurationError } from '@ml/event-store';
import { errorBody } from '../graphql/request-errors.js';

/** GRAPHQL_EXPLORER: whether a browser opening the GraphQL path gets the explorer (default on). */
export function explorerFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.GRAPHQL_EXPLORER;
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigurationError(`GRAPHQL_EXPLORER must be on or off, not '${value}'`);
}

/**
 * The explorer's own content policy: its scripts, styles, fonts and images from this server
 * only, requests to this server only (HTTP and WebSocket). Styles may be inline, as Altair sets
 * them at run time; scripts may not. The API's policy (nothing at all) stays on everything else.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join(';');
/**
 * Altair runs pre- and post-request scripts in a frame it talks to by its origin, so the
 * frame keeps this server's origin (sandboxed to an opaque one, as altair-static's
 * SANDBOX_FRAME_CSP would, its messages go nowhere) under the page's policy. The scripts
 * themselves do not run: the policy allows no code made from text (eval), and Altair says so.
 */
const FRAME_POLICY = PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'");

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.ico': 'image/x-icon',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const INITIAL_QUERY = `# Masterplan Ledger: most of it can be read without a token;
# changes need one (npm run token -- --user <id>).
# Paste it under Auth (Bearer token), then reload the Docs:
# reading the schema needs a token unless the server allows
# it to anyone (GRAPHQL_INTROSPECTION=on).
# Subscriptions take it in their connection parameters
# (Request Handlers): {"authorization": "Bearer <token>"}
{
  masterplans {
    id
    title
    status
  }
}
`;

/** What the explorer starts with: this server, its subscriptions, a token field, nothing remote. */
const OPTIONS: RenderOptions = {
  initialName: 'Masterplan Ledger',
  initialQuery: INITIAL_QUERY,
  initialHttpMethod: 'POST',
  initialSubscriptionRequestHandlerId: 'graphql-ws',
  initialAuthorization: { type: 'bearer', data: { token: '' } },
  disableAccount: true,
  initialSettings: {
    'alert.disableUpdateNotification': true,
    'banners.disable': true,
    disablePushNotification: true,
    'schema.reloadOnStart': false,
    'plugin.list': [],
  },
};

/**
 * Altair (altair-static), served by this server and nothing else: a browser opening the GraphQL
 * path gets its page, and its files under `<path>/explorer/`. Requests that carry a query, or
 * that do not ask for a page, are GraphQL over HTTP as before.
 */
export class Explorer {
  private readonly page: string;
  private readonly start: string;
  private readonly files: Map<string, string>;

  constructor(private readonly path: string) {
    const dist = getDistDirectory();
    this.files = new Map(
      readdirSync(dist, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && TYPES[extname(entry.name)])
        .map((entry) => {
          const file = join(entry.parentPath, entry.name);
          return [relative(dist, file).split(/[\\/]/).join('/'), file] as const;
        })
        // The bare page, without this server's start: the page is answered at the path.
        .filter(([name]) => name !== 'index.html'),
    );
    // Relative to the page's own address, so the explorer works behind a proxy's path prefix.
    this.page = renderAltair({
      baseURL: `${posix.basename(path)}/explorer/`,
      serveInitialOptionsInSeperateRequest: 'start.js',
    }).replace('<title>Altair</title>', '<title>Masterplan Ledger: GraphQL explorer</title>');
    // The endpoint is the address the page was opened at (the GraphQL path itself).
    this.start = [
      'const endpoint = location.origin + location.pathname;',
      `AltairGraphQL.init({ ...${JSON.stringify(OPTIONS)}, endpointURL: endpoint, subscriptionsEndpoint: endpoint.replace(/^http/, 'ws') });`,
    ].join('\n');
  }

  /** Serves the explorer's files; its page is answered on the GraphQL route (`answer`). */
  register(app: FastifyInstance): void {
    app.get(`${this.path}/explorer/*`, async (request, reply) => {
      const name = (request.params as { '*': string })['*'];
      if (name === 'start.js') return this.send(reply, TYPES['.js']!, this.start, PAGE_POLICY);
      const file = this.files.get(name);
      if (!file)
        return reply
          .status(404)
          .type(TYPES['.json']!)
          .send(errorBody('The explorer has no such file', { code: 'NOT_FOUND' }));
      const frame = name.startsWith('iframe-sandbox/');
      if (frame) void reply.header('x-frame-options', 'SAMEORIGIN');
      return this.send(
        reply,
        TYPES[extname(name)]!,
        await readFile(file),
        frame ? FRAME_POLICY : PAGE_POLICY,
      );
    });
  }

  /** A browser asking for a page, not a GraphQL client sending a query. */
  wanted(request: FastifyRequest): boolean {
    return (
      request.method === 'GET' &&
      !Object.hasOwn(request.query as object, 'query') &&
      (request.headers.accept ?? '').includes('text/html')
    );
  }

  answer(reply: FastifyReply): FastifyReply {
    return this.send(reply, TYPES['.html']!, this.page, PAGE_POLICY);
  }

  private send(reply: FastifyReply, type: string, body: string | Buffer, policy: string) {
    return reply.type(type).header('content-security-policy', policy).send(body);
  }
}
