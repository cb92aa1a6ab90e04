import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Configuration } from '@ml/config';
import { eventStoreConfigOf } from '@ml/event-store';
import { ReadStore } from '@ml/masterplan';
import { loadOrCreateSigningKey, ADMINISTRATOR_ROLE, issueToken } from '@ml/auth';

/**
 * Prints a token signed with this server's key, and only the token, on stdout:
 * `token --user <id> [--role administrator] [--ttl 12h]`.
 */
export async function printToken(args: string[], configuration: Configuration): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      role: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '12h' },
    },
  });
  if (!values.user)
    throw new Error('Name the user: token --user <id> [--role administrator] [--ttl 12h]');
  const roles = values.role ?? [];
  const unknown = roles.filter((r) => r !== ADMINISTRATOR_ROLE);
  if (unknown.length)
    throw new Error(
      `Unknown role ${unknown.join(', ')}; the one role is '${ADMINISTRATOR_ROLE}' (what a user represents is domain state)`,
    );
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
  console.log(await issueToken(key, { userId: values.user, roles }, values.ttl));
}
