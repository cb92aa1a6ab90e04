import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
  type CryptoKey,
} from 'jose';
import { ConfigurationError } from '@ml/config';

export const LOCAL_ISSUER = 'masterplan-ledger';
const ALGORITHM = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * Where the server's token key is kept: JWT_PRIVATE_KEY_FILE when set (one key for several
 * instances behind a load balancer: a mounted secret, or a volume they share), otherwise
 * `jwt-signing-key.json` in DATA_DIR.
 */
export function signingKeyFile(dataDir: string, keyFile?: string): string {
  return keyFile ? resolve(keyFile) : join(dataDir, 'jwt-signing-key.json');
}

/**
 * The server's own token key: created on first start (readable by the owner only) and reused
 * afterwards, so tokens printed by `npm run token` stay valid. A key file given by the
 * operator may also be a PKCS#8 PEM of a P-256 key (`openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256`).
 */
export async function loadOrCreateSigningKey(
  dataDir: string,
  /** JWT_PRIVATE_KEY_FILE, when set. */
  keyFile?: string,
  /** Told of a key file of another user that others may read (see checkOwnerOnly). */
  warn?: (message: string) => void,
): Promise<SigningKey> {
  const file = signingKeyFile(dataDir, keyFile);
  const setting = keyFile ? 'JWT_PRIVATE_KEY_FILE' : 'The signing key';
  if (!existsSync(file)) {
    try {
      await createSigningKey(file);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new ConfigurationError(
        `${setting} '${file}' does not exist and cannot be created: ${code === 'ENOENT' ? 'no such directory' : message}`,
      );
    }
  }
  checkOwnerOnly(file, setting, warn);
  try {
    const jwk = await privateJwkOf(readFileSync(file, 'utf8'));
    const { d: _private, ...publicJwk } = jwk;
    return {
      kid: jwk.kid ?? (await calculateJwkThumbprint(publicJwk)),
      privateKey: (await importJWK(jwk, ALGORITHM)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
    };
  } catch (error) {
    throw new ConfigurationError(
      `${setting} '${file}' holds no ES256 private key (a JWK as the server writes it, or a ` +
        `PKCS#8 PEM of a P-256 key): ${(error as Error).message}`,
    );
  }
}

/**
 * Whoever may read the key may sign tokens of any user, administrators included: the file
 * must be its owner's only. One of the server's own user that others may read or write (an
 * operator's `openssl genpkey > key.pem` under umask 022 is 0644) stops the start, saying how
 * to fix it. One of another user (a secret mounted by Docker or Kubernetes, root's, often
 * 0444 or 0440 for a group the server is in) cannot be changed by the server, and its mode is
 * the mount's: it is used, with a warning.
 */
function checkOwnerOnly(file: string, setting: string, warn?: (message: string) => void): void {
  if (process.platform === 'win32') return;
  const stats = statSync(file);
  const { mode, uid } = stats;
  // Not a file: reading it says what is wrong.
  if (!stats.isFile() || (mode & 0o077) === 0) return;
  const open = `${setting} '${file}' is open to other users than its owner (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`;
  if (uid === process.getuid?.())
    throw new ConfigurationError(`${open}; make it its owner's only: chmod 600 ${file}`);
  warn?.(
    `${open}; it belongs to another user (a mounted secret?), so it is used as it is. Mount it readable by this server's user only if you can`,
  );
}

async function privateJwkOf(text: string): Promise<JWK> {
  const jwk = text.trimStart().startsWith('-----BEGIN')
    ? await exportJWK(await importPKCS8(text, ALGORITHM, { extractable: true }))
    : (JSON.parse(text) as JWK);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new Error(`it is a ${[jwk.kty, jwk.crv].filter(Boolean).join(' ') || 'other'} key`);
  if (!jwk.d) throw new Error('it is a public key');
  return jwk;
}

async function createSigningKey(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: ALGORITHM };
  // Written whole under another name, then linked into place: an instance sharing the file
  // sees no key or a whole one, never half of one, and the first to link wins.
  const draft = `${file}.${randomUUID()}.draft`;
  writeFileSync(draft, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
}
