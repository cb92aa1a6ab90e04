import {
  chmodSync,
  chownSync,
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
import { ConfigurationError } from '@ml/config';
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
    await expect(loadOrCreateSigningKey(dataDir('a'), env.JWT_PRIVATE_KEY_FILE)).rejects.toThrow(
      `JWT_PRIVATE_KEY_FILE '${env.JWT_PRIVATE_KEY_FILE}' does not exist and cannot be created`,
    );
    mkdirSync(keysDir);
    // Instances starting at once: each finds no key, each makes one, one of them wins.
    const keys = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((name) =>
        loadOrCreateSigningKey(dataDir(name), env.JWT_PRIVATE_KEY_FILE),
      ),
    );
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(readdirSync(keysDir)).toEqual(['jwt.json']);
    expect(statSync(env.JWT_PRIVATE_KEY_FILE).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir('a'), 'jwt-signing-key.json'))).toBe(false);
    const token = await issueToken(keys[0]!, { userId: 'fb02.wolf', roles: [] });
    const elsewhere = await TokenVerifier.create(
      await loadOrCreateSigningKey(dataDir('z'), env.JWT_PRIVATE_KEY_FILE),
    );
    expect(await elsewhere.verify(token)).toMatchObject({ userId: 'fb02.wolf' });
  });

  it('takes a PKCS#8 PEM an operator made, with a stable key id, and the public half verifies its tokens', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const env = { JWT_PRIVATE_KEY_FILE: join(dir, 'jwt.pem') };
    writeFileSync(env.JWT_PRIVATE_KEY_FILE, await exportPKCS8(privateKey), { mode: 0o600 });
    const key = await loadOrCreateSigningKey(dataDir('a'), env.JWT_PRIVATE_KEY_FILE);
    expect((await loadOrCreateSigningKey(dataDir('b'), env.JWT_PRIVATE_KEY_FILE)).kid).toBe(
      key.kid,
    );
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
      writeFileSync(env.JWT_PRIVATE_KEY_FILE, contents, { mode: 0o600 });
      const refusal = loadOrCreateSigningKey(dataDir('a'), env.JWT_PRIVATE_KEY_FILE);
      await expect(refusal).rejects.toBeInstanceOf(ConfigurationError);
      await expect(refusal).rejects.toThrow(
        `JWT_PRIVATE_KEY_FILE '${env.JWT_PRIVATE_KEY_FILE}' holds no ES256 private key`,
      );
    }
  });

  it('refuses a key file of its own user that others may read or write, naming it and the fix', async () => {
    const keyFile = join(dir, 'jwt.json');
    await loadOrCreateSigningKey(dataDir('a'), keyFile);
    mkdirSync(dataDir('a'));
    const ownKey = join(dataDir('a'), 'jwt-signing-key.json');
    await loadOrCreateSigningKey(dataDir('a'));
    for (const [file, setting, given] of [
      [keyFile, 'JWT_PRIVATE_KEY_FILE', keyFile],
      [ownKey, 'The signing key', undefined],
    ] as const)
      for (const mode of [0o644, 0o640, 0o604, 0o620, 0o700 | 0o010]) {
        chmodSync(file, mode);
        const refusal = loadOrCreateSigningKey(dataDir('a'), given);
        await expect(refusal).rejects.toBeInstanceOf(ConfigurationError);
        await expect(refusal).rejects.toThrow(
          `${setting} '${file}' is open to other users than its owner (mode ${mode.toString(8).padStart(4, '0')}); make it its owner's only: chmod 600 ${file}`,
        );
      }
    for (const mode of [0o600, 0o400]) {
      chmodSync(keyFile, mode);
      await expect(loadOrCreateSigningKey(dataDir('a'), keyFile)).resolves.toHaveProperty('kid');
    }
  });

  // Giving a file to another user needs root; elsewhere this case cannot be made.
  (process.getuid?.() === 0 ? it : it.skip)(
    'uses a key file of another user that others may read (a mounted secret), with a warning',
    async () => {
      const keyFile = join(dir, 'mounted.json');
      const key = await loadOrCreateSigningKey(dataDir('a'), keyFile);
      chownSync(keyFile, 4242, 4242);
      chmodSync(keyFile, 0o444);
      const warnings: string[] = [];
      const loaded = await loadOrCreateSigningKey(dataDir('a'), keyFile, (message) =>
        warnings.push(message),
      );
      expect(loaded.kid).toBe(key.kid);
      expect(warnings).toEqual([
        `JWT_PRIVATE_KEY_FILE '${keyFile}' is open to other users than its owner (mode 0444); it belongs to another user (a mounted secret?), so it is used as it is. Mount it readable by this server's user only if you can`,
      ]);
    },
  );
});
