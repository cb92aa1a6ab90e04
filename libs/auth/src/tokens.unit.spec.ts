import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import { loadConfiguration } from '@ml/config';
import { loadOrCreateSigningKey, type SigningKey } from './signing-key.js';
import {
  externalProviderOf,
  InvalidToken,
  issueToken,
  MAX_TOKEN_LIFETIME_SECONDS,
  TokenVerifier,
} from './tokens.js';

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

describe('what a token must hold to be accepted', () => {
  const DAY = 24 * 60 * 60;
  const now = () => Math.floor(Date.now() / 1000);
  let dir: string;
  let key: SigningKey;
  let verifier: TokenVerifier;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-token-rules-'));
    key = await loadOrCreateSigningKey(dir);
    verifier = await TokenVerifier.create(key);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Signed with the server's own key, as issueToken makes them, but for what is changed. */
  const ours = (claims: JWTPayload = {}, header: Partial<JWTHeaderParameters> = {}) =>
    new SignJWT({
      roles: ['administrator'],
      sub: 'mallory',
      iss: 'masterplan-ledger',
      iat: now(),
      exp: now() + 300,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  const refused = async (token: Promise<string>, why: RegExp) => {
    const refusal = verifier.verify(await token);
    await expect(refusal).rejects.toBeInstanceOf(InvalidToken);
    await expect(refusal).rejects.toThrow(why);
  };

  it('accepts a token made as the server makes them, which names the key it is signed with', async () => {
    expect(await verifier.verify(await ours())).toMatchObject({ userId: 'mallory' });
    const issued = await issueToken(key, { userId: 'fb02.wolf', roles: [] });
    expect(decodeProtectedHeader(issued).kid).toBe(key.kid);
  });

  it('refuses a token signed with the server’s own key whose header names another key id, or none', async () => {
    await refused(ours({}, { kid: 'some-other-key' }), /key/);
    await refused(ours({}, { kid: undefined }), /key/);
  });

  it('refuses a token of its own that names an audience: the server’s tokens name none', async () => {
    await refused(ours({ aud: 'some-other-service' }), /audience/);
    await refused(ours({ aud: ['some-other-service', 'masterplan-ledger'] }), /audience/);
    await refused(ours({ aud: 'masterplan-ledger' }), /audience/);
  });

  it('refuses a token issued in the future beyond 60 s of clock skew', async () => {
    await refused(ours({ iat: now() + 365 * DAY }), /future/);
    await refused(ours({ iat: now() + 90 }), /future/);
    expect(await verifier.verify(await ours({ iat: now() + 30 }))).toMatchObject({
      userId: 'mallory',
    });
  });

  it('refuses a token valid for longer than 30 days (MAX_TOKEN_LIFETIME_SECONDS), from its iat or from now', async () => {
    expect(MAX_TOKEN_LIFETIME_SECONDS).toBe(30 * DAY);
    await refused(ours({ exp: 1e20 }), /30 days/);
    await refused(ours({ exp: now() + 30 * DAY + 1 }), /30 days/);
    await refused(ours({ iat: undefined, exp: now() + 31 * DAY }), /30 days/);
    // Issued long ago, so valid for long already, though it expires soon.
    await refused(ours({ iat: now() - 40 * DAY, exp: now() + 3600 }), /30 days/);
    expect(await verifier.verify(await ours({ exp: now() + 30 * DAY }))).toMatchObject({
      userId: 'mallory',
    });
    expect(await verifier.verify(await ours({ iat: undefined }))).toMatchObject({
      userId: 'mallory',
    });
    const user = { userId: 'fb02.wolf', roles: [] };
    expect(await verifier.verify(await issueToken(key, user, '30d'))).toMatchObject({
      userId: 'fb02.wolf',
    });
    await refused(issueToken(key, user, '31d'), /30 days/);
  });

  it('refuses a token whose subject is not a user id as commands take them', async () => {
    for (const sub of [
      '',
      'nul\u0000byte',
      'right\u202Eto-left',
      'two\nlines',
      'a space',
      'x'.repeat(201),
      'x'.repeat(5000),
      42,
    ])
      await refused(ours({ sub: sub as string }), /user/);
    for (const sub of ['x'.repeat(200), 'k.weber@example.org', 'auth0|5f7c8ec7', 'a+b:c_d-e'])
      expect(await verifier.verify(await ours({ sub }))).toMatchObject({ userId: sub });
  });

  it('holds an external provider’s tokens to the same rules, and refuses one naming an audience when JWT_AUDIENCE is not set', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const external = await TokenVerifier.create(key, {
      publicKeyPem: await exportSPKI(publicKey),
      issuer: 'https://id.example.org',
      rolesClaim: 'roles',
    });
    const theirs = (claims: JWTPayload = {}) =>
      new SignJWT({
        sub: 'k.weber',
        iss: 'https://id.example.org',
        iat: now(),
        exp: now() + 300,
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256' })
        .sign(privateKey);
    expect(await external.verify(await theirs())).toMatchObject({ userId: 'k.weber' });
    for (const [claims, why] of [
      [{ aud: 'some-other-service' }, /audience/],
      [{ iat: now() + 365 * DAY }, /future/],
      [{ exp: 1e20 }, /30 days/],
      [{ exp: undefined }, /exp/],
      [{ sub: 'evil\u202Etxt' }, /user/],
    ] as const) {
      const refusal = external.verify(await theirs(claims));
      await expect(refusal).rejects.toBeInstanceOf(InvalidToken);
      await expect(refusal).rejects.toThrow(why);
    }
  });

  it('takes an external provider’s key from its JWKS by the token’s kid, and refuses an unknown kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const external = await TokenVerifier.create(key, {
        jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        rolesClaim: 'roles',
      });
      const theirs = (kid: string) =>
        new SignJWT({ sub: 'k.weber', iss: 'https://id.example.org' })
          .setProtectedHeader({ alg: 'ES256', kid })
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
      expect(await external.verify(await theirs('k1'))).toMatchObject({ userId: 'k.weber' });
      await expect(external.verify(await theirs('k2'))).rejects.toBeInstanceOf(InvalidToken);
    } finally {
      server.close();
    }
  });
});
