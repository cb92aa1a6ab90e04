import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { loadConfiguration } from '@ml/config';
import { loadOrCreateSigningKey } from './signing-key.js';
import { externalProviderOf, InvalidToken, issueToken, TokenVerifier } from './tokens.js';

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
    const inAnHour = await issueToken(key, { userId: 'u', roles: [] }, '1h');
    const { expiresAt } = await verifier.verify(inAnHour);
    expect(Math.abs(expiresAt! - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(
      await verifier.verify(
        await issueToken(key, { userId: 'fb02.wolf', roles: ['administrator'] }),
      ),
    ).toEqual({ userId: 'fb02.wolf', isAdministrator: true, expiresAt: expect.any(Number) });
    expect(
      await verifier.verify(await issueToken(key, { userId: 'r.schmidt', roles: [] })),
    ).toEqual({ userId: 'r.schmidt', isAdministrator: false, expiresAt: expect.any(Number) });
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

  it('keeps its key readable by the owner only', async () => {
    await loadOrCreateSigningKey(dir);
    expect(statSync(join(dir, 'jwt-signing-key.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses forged tokens: none, HS256 with the public key, an embedded key, a foreign issuer, not yet valid', async () => {
    const key = await loadOrCreateSigningKey(dir);
    const verifier = await TokenVerifier.create(key);
    const claims = { roles: ['administrator'] };
    const unsigned = new UnsecuredJWT(claims)
      .setIssuer('masterplan-ledger')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .encode();
    // HMAC "signed" with the public key, as alg confusion attacks do.
    const publicJwk = JSON.stringify(await exportJWK(key.publicKey));
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({
        ...claims,
        sub: 'mallory',
        iss: 'masterplan-ledger',
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    ).toString('base64url');
    const confused = `${header}.${body}.${createHmac('sha256', publicJwk).update(`${header}.${body}`).digest('base64url')}`;
    // A token carrying its own (attacker's) key in the header.
    const attacker = await generateKeyPair('ES256');
    const embedded = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(attacker.publicKey) })
      .setIssuer('masterplan-ledger')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(attacker.privateKey);
    const sign = (build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject('u'))
        .setExpirationTime('5m')
        .sign(key.privateKey);
    const foreignIssuer = await sign((jwt) => jwt.setIssuer('someone-else'));
    // Signed with the server's own key, but never expiring, or naming nobody.
    const forever = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer('masterplan-ledger')
      .setSubject('mallory')
      .sign(key.privateKey);
    const nobody = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer('masterplan-ledger')
      .setExpirationTime('5m')
      .sign(key.privateKey);
    const notYet = await sign((jwt) => jwt.setIssuer('masterplan-ledger').setNotBefore('10m'));
    for (const token of [unsigned, confused, embedded, foreignIssuer, notYet, forever, nobody])
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidToken);
  });

  it('accepts tokens of an external identity provider with a configured public key, issuer, audience and roles claim', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const provider = externalProviderOf(
      loadConfiguration({
        // As one line, the way an environment file holds it.
        JWT_PUBLIC_KEY: (await exportSPKI(publicKey)).replace(/\n/g, '\\n'),
        JWT_ISSUER: 'https://id.example.org',
        JWT_AUDIENCE: 'masterplan-ledger',
        JWT_ROLES_CLAIM: 'groups',
      }),
    );
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
      expiresAt: expect.any(Number),
    });
    expect(await verifier.verify(await sign({ groups: 'staff' }))).toEqual({
      userId: 'k.weber',
      isAdministrator: false,
      expiresAt: expect.any(Number),
    });
    await expect(verifier.verify(await sign({}, 'another-app'))).rejects.toThrow(/aud/);
  });
});
