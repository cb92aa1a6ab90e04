import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import { ConfigurationError } from '@ml/event-store';
import { loadOrCreateSigningKey } from './signing-key.js';
import { issueToken, TokenVerifier } from './tokens.js';

describe('one signing key for several instances (JWT_PRIVATE_KEY_FILE)', () => {
  let dir: string;
  const dataDir = (name: string) => join(dir, name);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-signing-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('instances with their own DATA_DIR sharing a key file accept each other’s tokens', async () => {
    const keysDir = join(dir, 'keys');
    const env = { JWT_PRIVATE_KEY_FILE: join(keysDir, 'jwt.json') };
    await expect(loadOrCreateSigningKey(dataDir('a'), env)).rejects.toThrow(
      `JWT_PRIVATE_KEY_FILE '${env.JWT_PRIVATE_KEY_FILE}' does not exist and cannot be created`,
    );
    mkdirSync(keysDir);
    // Instances starting at once: each finds no key, each makes one, one of them wins.
    const keys = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => loadOrCreateSigningKey(dataDir(name), env)),
    );
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(readdirSync(keysDir)).toEqual(['jwt.json']);
    expect(statSync(env.JWT_PRIVATE_KEY_FILE).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir('a'), 'jwt-signing-key.json'))).toBe(false);
    const token = await issueToken(keys[0]!, { userId: 'fb02.wolf', roles: [] });
    const elsewhere = await TokenVerifier.create(await loadOrCreateSigningKey(dataDir('z'), env));
    expect(await elsewhere.verify(token)).toMatchObject({ userId: 'fb02.wolf' });
  });

  it('takes a PKCS#8 PEM an operator made, with a stable key id, and the public half verifies its tokens', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const env = { JWT_PRIVATE_KEY_FILE: join(dir, 'jwt.pem') };
    writeFileSync(env.JWT_PRIVATE_KEY_FILE, await exportPKCS8(privateKey));
    const key = await loadOrCreateSigningKey(dataDir('a'), env);
    expect((await loadOrCreateSigningKey(dataDir('b'), env)).kid).toBe(key.kid);
    const token = await issueToken(key, { userId: 'r.schmidt', roles: ['administrator'] });
    const published = await importSPKI(await exportSPKI(publicKey), 'ES256');
    expect((await jwtVerify(token, published)).payload.sub).toBe('r.schmidt');
  });

  it('refuses a file that holds no ES256 private key, naming the setting', async () => {
    const env = { JWT_PRIVATE_KEY_FILE: join(dir, 'key') };
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    for (const contents of [
      'not a key',
      await exportPKCS8(rsa.privateKey),
      await exportSPKI(ec.publicKey),
      JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }),
    ]) {
      writeFileSync(env.JWT_PRIVATE_KEY_FILE, contents);
      const refusal = loadOrCreateSigningKey(dataDir('a'), env);
      await expect(refusal).rejects.toBeInstanceOf(ConfigurationError);
      await expect(refusal).rejects.toThrow(
        `JWT_PRIVATE_KEY_FILE '${env.JWT_PRIVATE_KEY_FILE}' holds no ES256 private key`,
      );
    }
  });
});
