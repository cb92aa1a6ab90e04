import { now, percentile, round, sortNumbers } from './figures.js';

/**
 * Codes that say the client asked for something it may not have or that cannot be: the
 * server answered correctly. Anything else (INTERNAL_SERVER_ERROR, READ_MODEL_LAGGING,
 * STORE_UNAVAILABLE, a 5xx, a broken connection) is the server's failure, and fails a soak.
 */
const CLIENT_CODES = new Set([
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'IDEMPOTENCY_KEY_REUSED',
  'CONFLICT',
  'RULE_VIOLATED',
  'LIMIT_EXCEEDED',
  'RATE_LIMITED',
]);

export const isClientCode = (code: string) => CLIENT_CODES.has(code);

export interface Answer {
  /** The answer's data when it has no errors. */
  data?: Record<string, unknown>;
  /** The first error's code (or NETWORK, HTTP_<status>) when it failed. */
  code?: string;
  message?: string;
}

/** What one kind of request did over the soak: how many, how fast, how each failed. */
export class Tally {
  readonly durations: number[] = [];
  readonly codes: Record<string, number> = {};
  /** Ticks skipped because as many requests of this kind as allowed were still waiting. */
  skipped = 0;

  constructor(readonly name: string) {}

  record(ms: number, code: string | undefined): void {
    this.durations.push(ms);
    if (code) this.codes[code] = (this.codes[code] ?? 0) + 1;
  }

  get serverFailures(): number {
    return Object.entries(this.codes)
      .filter(([code]) => !isClientCode(code))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  summary(seconds: number) {
    const sorted = sortNumbers(this.durations);
    return {
      requests: sorted.length,
      perSecond: round(sorted.length / seconds),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1] ?? 0),
      errorsByCode: this.codes,
      serverFailures: this.serverFailures,
      skipped: this.skipped,
    };
  }
}

/** Sends one GraphQL request and records it in `tally`. */
export async function ask(
  url: string,
  tally: Tally,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Answer> {
  const started = now();
  let answer: Answer;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: {
      data?: Record<string, unknown>;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    const error = body.errors?.[0];
    answer = error
      ? { code: error.extensions?.code ?? `HTTP_${response.status}`, message: error.message }
      : response.ok && body.data
        ? { data: body.data }
        : { code: `HTTP_${response.status}`, message: text.slice(0, 200) };
  } catch (error) {
    answer = { code: 'NETWORK', message: (error as Error).message };
  }
  tally.record(now() - started, answer.code);
  return answer;
}
