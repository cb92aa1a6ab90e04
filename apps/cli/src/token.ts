import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Configuration } from '@ml/config';
import { eventStoreConfigOf } from '@ml/event-store';
import { ReadStore, USER_ID_RULE, isUserId } from '@ml/masterplan';
import {
  loadOrCreateSigningKey,
  ADMINISTRATOR_ROLE,
  issueToken,
  MAX_TOKEN_LIFETIME_SECONDS,
} from '@ml/auth';
import { UsageError } from './usage-error.js';

const OPTIONS = {
  user: { type: 'string' },
  role: { type: 'string', multiple: true },
  ttl: { type: 'string', default: '12h' },
} as const;

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL = `${MAX_TOKEN_LIFETIME_SECONDS / 86_400}d`;

/** What `token --help` says after its usage line. */
export const TOKEN_DETAILS = `Prints the token and nothing else on stdout, so that it can be captured:
  TOKEN=$(npm run -s token -- --user fb02.wolf --role administrator)
--user is the user id the token names: ${USER_ID_RULE}.
--role administrator makes it an administrator's token.
--ttl is how long it is valid, 12h when not given: a whole number and s, m, h or d (90s, 30m,
12h, 7d), more than 0 and at most ${MAX_TTL} (the longest the server accepts a token for).
Arguments it cannot take are refused in one line, with exit code 2 and nothing on stdout.
The key is the one in DATA_DIR: give it the server's DATA_DIR, or the server answers the
token 401. It warns on stderr when DATA_DIR holds no event store yet.`;

/**
 * Prints a token signed with this server's key, and only the token, on stdout:
 * `token --user <id> [--role administrator] [--ttl 12h]`.
 */
export async function printToken(args: string[], configuration: Configuration): Promise<void> {
  const { user, roles, ttlSeconds } = tokenArguments(args);
  const config = eventStoreConfigOf(configuration);
  // The key lives in DATA_DIR: one no server has used yet makes a key no server knows.
  const used = existsSync(
    config.engine === 'sqlite' ? config.file : ReadStore.fileIn(config.dataDir),
  );
  if (!used)
    console.error(
      `Warning: DATA_DIR '${config.dataDir}' holds no event store yet, so it is probably not the server's. The token is signed with the key in this DATA_DIR; a server using another one answers it with 401.`,
    );
  const key = await loadOrCreateSigningKey(config.dataDir, configuration.JWT_PRIVATE_KEY_FILE);
  console.log(await issueToken(key, { userId: user, roles }, `${ttlSeconds}s`));
}

/** The arguments of `token`, checked before any key is read, so a refusal prints no token. */
function tokenArguments(args: string[]): { user: string; roles: string[]; ttlSeconds: number } {
  // Not strict, so that `--ttl -5` is read as the value -5 and refused for what it is, not
  // as "ambiguous"; what strict parsing would refuse is refused here.
  const { values, positionals } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
  });
  const stray = [
    ...positionals,
    ...Object.keys(values)
      .filter((name) => !(name in OPTIONS))
      .map((name) => `--${name}`),
  ];
  if (stray.length)
    throw new UsageError(
      `token takes --user <id>, --role administrator and --ttl <duration>, not ${JSON.stringify(stray[0]!.slice(0, 40))}`,
    );
  const { user, role, ttl } = values;
  if (user === undefined || user === true)
    throw new UsageError('Name the user: token --user <id> [--role administrator] [--ttl 12h]');
  // Not quoted back: it may be long, or hold line breaks or controls.
  if (!isUserId(user)) throw new UsageError(`--user takes a user id: ${USER_ID_RULE}`);
  const roles = (role ?? []).map(String);
  const unknown = roles.filter((r) => r !== ADMINISTRATOR_ROLE);
  if (unknown.length)
    throw new UsageError(
      `Unknown role ${unknown.join(', ')}; the one role is '${ADMINISTRATOR_ROLE}' (what a user represents is domain state)`,
    );
  return { user, roles, ttlSeconds: ttlSecondsOf(ttl) };
}

/** `--ttl`: a whole number of seconds, minutes, hours or days, more than none and at most the most the server accepts. */
function ttlSecondsOf(ttl: string | boolean | undefined): number {
  const parts = typeof ttl === 'string' ? /^(\d{1,9})([smhd])$/.exec(ttl) : null;
  const seconds = parts ? Number(parts[1]) * SECONDS_PER_UNIT[parts[2]!]! : 0;
  if (seconds <= 0)
    throw new UsageError(
      `--ttl takes how long the token is valid: a whole number above 0 and s, m, h or d (30m, 12h, 7d), at most ${MAX_TTL}`,
    );
  if (seconds > MAX_TOKEN_LIFETIME_SECONDS)
    throw new UsageError(
      `--ttl takes at most ${MAX_TTL}, the longest the server accepts a token for, not ${String(ttl)}`,
    );
  return seconds;
}
