import {
  SignJWT,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type CryptoKey,
} from 'jose';
import type { Configuration } from '@ml/config';
import { Lru, isUserId, USER_ID_RULE, type User } from '@ml/masterplan';
import { LOCAL_ISSUER, type SigningKey } from './signing-key.js';

export const ADMINISTRATOR_ROLE = 'administrator';

/**
 * The longest a token may be valid: 30 days from when it was issued (`iat`), or from now when
 * it does not say. A longer one, or one that never expires, is refused; `npm run token` makes
 * none longer.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
/** How far the clock of a token's issuer may run ahead of ours: `iat` may be this far ahead. */
export const ISSUED_AT_TOLERANCE_SECONDS = 60;

/** Settings for tokens from an external identity provider (all optional). */
export interface ExternalIdentityProvider {
  /** PEM (SPKI) public key, or a JWKS URL; one of them. */
  publicKeyPem?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Claim that lists the user's roles; `administrator` among them makes an administrator. */
  rolesClaim: string;
}

/** The external identity provider the configuration names, if any. */
export function externalProviderOf(
  configuration: Configuration,
): ExternalIdentityProvider | undefined {
  const { JWT_PUBLIC_KEY, JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, JWT_ROLES_CLAIM } = configuration;
  if (!JWT_PUBLIC_KEY && !JWT_JWKS_URL) return undefined;
  return {
    ...(JWT_PUBLIC_KEY ? { publicKeyPem: JWT_PUBLIC_KEY } : {}),
    ...(JWT_JWKS_URL ? { jwksUrl: JWT_JWKS_URL } : {}),
    ...(JWT_ISSUER ? { issuer: JWT_ISSUER } : {}),
    ...(JWT_AUDIENCE ? { audience: JWT_AUDIENCE } : {}),
    rolesClaim: JWT_ROLES_CLAIM,
  };
}

/** A token that does not prove who the caller is; the message says why. */
export class InvalidToken extends Error {}

/** Verifies bearer tokens: the server's own (issuer `masterplan-ledger`) and an external provider's. */
export class TokenVerifier {
  private constructor(
    private readonly local: SigningKey,
    private readonly external: ExternalIdentityProvider | undefined,
    private readonly externalKey: CryptoKey | JWTVerifyGetKey | undefined,
  ) {}

  static async create(
    local: SigningKey,
    external?: ExternalIdentityProvider,
  ): Promise<TokenVerifier> {
    let key: CryptoKey | JWTVerifyGetKey | undefined;
    if (external?.publicKeyPem)
      key = await importSPKI(external.publicKeyPem, 'RS256').catch(() =>
        importSPKI(external.publicKeyPem!, 'ES256'),
      );
    else if (external?.jwksUrl) key = createRemoteJWKSet(new URL(external.jwksUrl));
    return new TokenVerifier(local, external, key);
  }

  /**
   * Verified tokens until they expire: a signature check per request costs more than the
   * request. Bounded by the bytes of the tokens, not only their number.
   */
  private readonly verified = new Lru<string, { user: Verified; recheckAt: number }>(
    10_000,
    8 * 1024 * 1024,
  );

  /** The user a token names, with when the token expires. */
  async verify(token: string): Promise<Verified> {
    const known = this.verified.get(token);
    if (known && known.recheckAt > Date.now()) return known.user;
    const user = await this.check(token);
    // Checked again after five minutes at most, so a rotated key of the provider is seen.
    const recheckAt = Math.min(user.expiresAt ?? Infinity, Date.now() + 5 * 60_000);
    // The token, the key, is weighed by the cache; the user it names weighs little.
    this.verified.set(token, { user, recheckAt }, 200);
    return user;
  }

  private async check(token: string): Promise<Verified> {
    try {
      const issuer = decodeIssuer(token);
      if (issuer === LOCAL_ISSUER || !this.externalKey) {
        const { payload } = await jwtVerify(token, (header) => this.localKeyFor(header), {
          issuer: LOCAL_ISSUER,
          algorithms: ['ES256'],
          // The server's own tokens always name a user and expire.
          requiredClaims: ['sub', 'exp'],
        });
        // The server's own tokens name no audience: one that names any was made for another.
        return verified(payload, 'roles', { audienceChecked: false });
      }
      const { payload } = await jwtVerify(token, this.externalKey as CryptoKey, {
        // Asymmetric algorithms only: a token "signed" with the public key as an HMAC secret
        // (alg confusion) or not signed at all (alg none) is refused.
        algorithms: [
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS384',
          'PS512',
          'ES256',
          'ES384',
          'ES512',
          'EdDSA',
        ],
        ...(this.external?.issuer ? { issuer: this.external.issuer } : {}),
        ...(this.external?.audience ? { audience: this.external.audience } : {}),
        requiredClaims: ['exp'],
      });
      return verified(payload, this.external!.rolesClaim, {
        audienceChecked: this.external?.audience !== undefined,
      });
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidToken('The token has expired');
      throw new InvalidToken(`The token is not valid: ${(error as Error).message}`);
    }
  }

  /** The server's own key, for a token that names it by its key id; none for any other. */
  private localKeyFor(header: JWTHeaderParameters): CryptoKey {
    if (header.kid !== this.local.kid)
      throw new InvalidToken(
        header.kid === undefined
          ? 'The token names no key (kid)'
          : 'The token names a key (kid) this server does not have',
      );
    return this.local.publicKey;
  }
}

export async function issueToken(
  key: SigningKey,
  user: { userId: string; roles: string[] },
  expiresIn = '12h',
): Promise<string> {
  return (
    new SignJWT({ roles: user.roles })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setSubject(user.userId)
      .setIssuer(LOCAL_ISSUER)
      // Expiry first: should the second turn in between, the token is valid a second less than
      // asked, never a second more (--ttl 30d stays within MAX_TOKEN_LIFETIME_SECONDS).
      .setExpirationTime(expiresIn)
      .setIssuedAt()
      .sign(key.privateKey)
  );
}

function decodeIssuer(token: string): string | undefined {
  const [, payload] = token.split('.');
  if (!payload) throw new InvalidToken('The token is not a JWT');
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload).iss;
  } catch {
    throw new InvalidToken('The token is not a JWT');
  }
}

/** A user a valid token names, with when the token expires (epoch ms), if it does. */
export type Verified = User & { expiresAt?: number };

/**
 * The user of a token whose signature, issuer, expiry and not-before jose has checked, once
 * the claims jose leaves alone are checked too: the audience when none was configured, the
 * time it was issued, how long it is valid, and the user id.
 */
function verified(
  payload: JWTPayload,
  rolesClaim: string,
  { audienceChecked }: { audienceChecked: boolean },
): Verified {
  if (payload.aud !== undefined && !audienceChecked)
    throw new InvalidToken('The token is meant for another audience (aud)');
  const now = Math.floor(Date.now() / 1000);
  if (payload.iat !== undefined && payload.iat > now + ISSUED_AT_TOLERANCE_SECONDS)
    throw new InvalidToken('The token is issued in the future (iat)');
  // jose has checked that exp is there and a number.
  if (payload.exp! - (payload.iat ?? now) > MAX_TOKEN_LIFETIME_SECONDS)
    throw new InvalidToken(
      `The token is valid for longer than ${MAX_TOKEN_LIFETIME_SECONDS / 86_400} days (exp)`,
    );
  return { ...userOf(payload, rolesClaim), expiresAt: payload.exp! * 1000 };
}

function userOf(payload: JWTPayload, rolesClaim: string): User {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0)
    throw new InvalidToken('The token names no user (sub)');
  // Not quoted back: the subject of a forged token may hold anything.
  if (!isUserId(payload.sub))
    throw new InvalidToken(`The token's user (sub) is not ${USER_ID_RULE}`);
  const roles = payload[rolesClaim];
  const list = Array.isArray(roles) ? roles : typeof roles === 'string' ? roles.split(/[ ,]+/) : [];
  return { userId: payload.sub, isAdministrator: list.includes(ADMINISTRATOR_ROLE) };
}
