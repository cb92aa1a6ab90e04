import type { OutgoingHttpHeaders } from 'node:http';
import { errorBody } from '../graphql/request-errors.js';

/**
 * Whether a WebSocket may be opened from a page of `origin` (the upgrade's Origin header):
 * without one (no browser sends none), from the server's own pages (the host the request
 * names in Host, over http or https), or from an origin of CORS_ORIGINS, as for HTTP.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  corsOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  try {
    const page = new URL(origin);
    if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
    if (corsOrigins.includes(page.origin)) return true;
    // Read as a URL of the page's scheme, so that a default port written out still matches.
    return host !== undefined && new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

/** The message, body and headers of an upgrade refused (ws' verifyClient), as every error. */
export function upgradeRefusal(
  message: string,
  extensions: Record<string, unknown> & { code: string },
): [string, OutgoingHttpHeaders] {
  return [errorBody(message, extensions), { 'Content-Type': 'application/json; charset=utf-8' }];
}
