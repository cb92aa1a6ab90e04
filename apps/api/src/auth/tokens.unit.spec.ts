import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { loadOrCreateSigningKey } from './signing-key.js';
import { externalProviderFromEnv, InvalidToken, issueToken, TokenVerifier } from './tokens.js';

describe('bearer tokens', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-tokens-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the server’s own key is created once in DATA_DIR and its tokens name the user and role', async () => {
    const key = await loadOrCreateSigningKey(dir);
    expect((await loadOrCreateSigningKey(dir)).kid).toBe(key.kid);
    const verifier = await TokenVerifier.create(key);
    expect(
      await verifier.verify(
        await issueToken(key, { userId: 'fb02.wolf', roles: ['administrator'] }),
      ),
    ).toEqual({ userId: 'fb02.wolf', isAdministrator: true });
    expect(
      await verifier.verify(await issueToken(key, { userId: 'r.schmidt', roles: [] })),
    ).toEqual({ userId: 'r.schmidt', isAdministrator: false });
  });

  it('refuses an expired token, a token of another key, and garbage', async () => {
    const key = await loadOrCreateSigningKey(dir);
    const verifier = await TokenVerifier.create(key);
    await expect(
      verifier.verify(await issueToken(key, { userId: 'u', roles: [] }, '-1s')),
    ).rejects.toThrow(/expired/);
    const otherDir = mkdtempSync(join(tmpdir(), 'ml-tokens-other-'));
    const stranger = await issueToken(await loadOrCreateSigningKey(otherDir), {
      userId: 'u',
      roles: [],
    });
    rmSync(otherDir, { recursive: true, force: true });
    await expect(verifier.verify(stranger)).rejects.toBeInstanceOf(InvalidToken);
    await expect(verifier.verify('not-a-jwt')).rejects.toBeInstanceOf(InvalidToken);
  });

  it('accepts tokens of an external identity provider with a configured public key, issuer, audience and roles claim', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const provider = externalProviderFromEnv({
      JWT_PUBLIC_KEY: await exportSPKI(publicKey),
      JWT_ISSUER: 'https://id.example.org',
      JWT_AUDIENCE: 'masterplan-ledger',
      JWT_ROLES_CLAIM: 'groups',
    });
    const verifier = await TokenVerifier.create(await loadOrCreateSigningKey(dir), provider);
    const sign = (claims: Record<string, unknown>, audience = 'masterplan-ledger') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('k.weber')
        .setIssuer('https://id.example.org')
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(privateKey);
    expect(await verifier.verify(await sign({ groups: ['staff', 'administrator'] }))).toEqual({
      userId: 'k.weber',
      isAdministrator: true,
    });
    expect(await verifier.verify(await sign({ groups: 'staff' }))).toEqual({
      userId: 'k.weber',
      isAdministrator: false,
    });
    await expect(verifier.verify(await sign({}, 'another-app'))).rejects.toThrow(/aud/);
  });
});
