import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
import { ConfigurationError } from '@ml/event-store';

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
export function signingKeyFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = env.JWT_PRIVATE_KEY_FILE?.trim();
  return file ? resolve(file) : join(dataDir, 'jwt-signing-key.json');
}

/**
 * The server's own token key: created on first start (readable by the owner only) and reused
 * afterwards, so tokens printed by `npm run token` stay valid. A key file given by the
 * operator may also be a PKCS#8 PEM of a P-256 key (`openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256`).
 */
export async function loadOrCreateSigningKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SigningKey> {
  const file = signingKeyFile(dataDir, env);
  const setting = env.JWT_PRIVATE_KEY_FILE?.trim() ? 'JWT_PRIVATE_KEY_FILE' : 'The signing key';
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
