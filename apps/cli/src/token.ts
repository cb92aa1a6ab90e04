import { parseArgs } from 'node:util';
import { eventStoreConfigFromEnv } from '@ml/event-store';
import { loadOrCreateSigningKey, ADMINISTRATOR_ROLE, issueToken } from '@ml/auth';

/** Prints a token signed with this server's key: `token --user <id> [--role administrator] [--ttl 12h]`. */
export async function printToken(args: string[]): Promise<void> {
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
  const key = await loadOrCreateSigningKey(eventStoreConfigFromEnv().dataDir);
  console.log(await issueToken(key, { userId: values.user, roles }, values.ttl));
}
