import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigurationError, loadConfiguration } from './configuration.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfiguration(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
};

describe('the configuration', () => {
  it('has a default for every setting that needs one', () => {
    expect(loadConfiguration({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: resolve('data'),
      SQLITE_DURABILITY: 'FULL',
      SQLITE_WRITER: 'inline',
      READ_YOUR_WRITES_TIMEOUT_MS: 5000,
      MASTERPLAN_REACTIONS: 'on',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: 10_000,
      JWT_ROLES_CLAIM: 'roles',
      TRUST_PROXY: 'off',
      GRAPHQL_INTROSPECTION: 'authenticated',
      LIMIT_BODY_BYTES: 524_288,
    });
    const unset = loadConfiguration({});
    for (const name of ['EVENTSTORE_CONNECTION_STRING', 'JWT_JWKS_URL', 'CORS_ORIGINS', 'DEBUG'])
      expect(unset[name as keyof typeof unset]).toBeUndefined();
  });

  it('reads values as their kinds, trimmed, words in any case', () => {
    expect(
      loadConfiguration({
        PORT: ' 0 ',
        HOST: '::',
        DATA_DIR: '/srv/ledger/',
        SQLITE_DURABILITY: 'normal',
        LOG_LEVEL: 'WARN',
        SHUTDOWN_GRACE_MS: '0',
        CORS_ORIGINS: 'https://plan.example.org, http://localhost:5173',
        TRUST_PROXY: '2',
        LIMIT_REQUESTS_PER_MINUTE: '0',
      }),
    ).toMatchObject({
      PORT: 0,
      HOST: '::',
      DATA_DIR: '/srv/ledger',
      SQLITE_DURABILITY: 'NORMAL',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: 0,
      CORS_ORIGINS: ['https://plan.example.org', 'http://localhost:5173'],
      TRUST_PROXY: { hops: 2 },
      LIMIT_REQUESTS_PER_MINUTE: 0,
    });
    expect(loadConfiguration({ HOST: 'ledger.internal' }).HOST).toBe('ledger.internal');
    expect(loadConfiguration({ TRUST_PROXY: '10.0.0.0/8, 10.1.2.3' }).TRUST_PROXY).toEqual({
      addresses: ['10.0.0.0/8', '10.1.2.3'],
    });
  });

  it.each([
    [{ PORT: '' }, 'PORT is empty; leave it unset for its default (3000)'],
    [{ PORT: '0x10' }, "PORT must be a port number from 0 to 65535, not '0x10'"],
    [{ PORT: '70000' }, "PORT must be a port number from 0 to 65535, not '70000'"],
    [{ PORT: '-1' }, "PORT must be a port number from 0 to 65535, not '-1'"],
    [{ HOST: 'not a host' }, "HOST must be an IP address or a host name, not 'not a host'"],
    [
      { SQLITE_DURABILITY: 'bogus' },
      "SQLITE_DURABILITY must be FULL, NORMAL or EXTRA, not 'bogus'",
    ],
    [{ SQLITE_WRITER: 'worker' }, "SQLITE_WRITER must be inline or thread, not 'worker'"],
    [{ JWT_JWKS_URL: 'notaurl' }, "JWT_JWKS_URL must be an http or https URL, not 'notaurl'"],
    [
      { JWT_JWKS_URL: 'file:///etc/jwks' },
      "JWT_JWKS_URL must be an http or https URL, not 'file:///etc/jwks'",
    ],
    [
      { READ_YOUR_WRITES_TIMEOUT_MS: 'abc' },
      "READ_YOUR_WRITES_TIMEOUT_MS must be a whole number of milliseconds, from 1 to 2147483647, not 'abc'",
    ],
    [
      { READ_YOUR_WRITES_TIMEOUT_MS: '0' },
      "READ_YOUR_WRITES_TIMEOUT_MS must be a whole number of milliseconds, from 1 to 2147483647, not '0'",
    ],
    [{ MASTERPLAN_REACTIONS: 'maybe' }, "MASTERPLAN_REACTIONS must be on or off, not 'maybe'"],
    [
      { LOG_LEVEL: 'bogus' },
      "LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, not 'bogus'",
    ],
    [
      { SHUTDOWN_GRACE_MS: '10s' },
      "SHUTDOWN_GRACE_MS must be a whole number of milliseconds, from 0 to 2147483647, not '10s'",
    ],
    [{ LIMIT_QUERY_COST: '1.5' }, "LIMIT_QUERY_COST must be a whole number, at least 1, not '1.5'"],
    [
      { LIMIT_BODY_BYTES: '1e6' },
      "LIMIT_BODY_BYTES must be a whole number of bytes, at least 1, not '1e6'",
    ],
    [{ LIMIT_QUERY_DEPTH: '' }, 'LIMIT_QUERY_DEPTH is empty; leave it unset for its default (12)'],
    [
      { LIMIT_QUERY_DEPHT: '8' },
      'LIMIT_QUERY_DEPHT is not a setting (did you mean LIMIT_QUERY_DEPTH?); the limits are listed in docs/operations.md',
    ],
    [
      { LIMIT_EVERYTHING: '1' },
      'LIMIT_EVERYTHING is not a setting; the limits are listed in docs/operations.md',
    ],
    [
      { CORS_ORIGINS: 'https://plan.example.org/app' },
      "CORS_ORIGINS must be web origins such as https://plan.example.org, comma-separated, not 'https://plan.example.org/app'",
    ],
    [{ TRUST_PROXY: '99999' }, 'TRUST_PROXY must be off, a number of hops (1 to 10)'],
    [
      { TRUST_PROXY: '0.0.0.0/1' },
      'TRUST_PROXY would trust a large part of the internet with 0.0.0.0/1',
    ],
    [
      { GRAPHQL_INTROSPECTION: 'sometimes' },
      'GRAPHQL_INTROSPECTION must be on, authenticated or off',
    ],
  ])('refuses %j in one line naming it and why', (env, message) => {
    const said = refusal(env as Record<string, string>);
    expect(said).toContain(message);
    expect(said).not.toContain('\n');
  });

  it('names every bad setting at once, in one line', () => {
    expect(refusal({ PORT: 'x', LOG_LEVEL: 'loud', LIMIT_QUERY_DEPHT: '3' })).toBe(
      "PORT must be a port number from 0 to 65535, not 'x'; LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, not 'loud'; LIMIT_QUERY_DEPHT is not a setting (did you mean LIMIT_QUERY_DEPTH?); the limits are listed in docs/operations.md",
    );
  });

  it('takes an empty value of a setting without default as unset', () => {
    const empty = loadConfiguration({ EVENTSTORE_CONNECTION_STRING: '', JWT_ISSUER: ' ' });
    expect(empty.EVENTSTORE_CONNECTION_STRING).toBeUndefined();
    expect(empty.JWT_ISSUER).toBeUndefined();
  });

  it('takes a PEM public key of a kind tokens are verified with, its line breaks written \\n', () => {
    const pem = (type: 'rsa' | 'ec', namedCurve?: string) =>
      generateKeyPairSync(type as 'rsa', {
        modulusLength: 2048,
        ...(namedCurve ? { namedCurve } : {}),
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      }).publicKey;
    const rsa = pem('rsa');
    expect(loadConfiguration({ JWT_PUBLIC_KEY: rsa }).JWT_PUBLIC_KEY).toBe(rsa.trim());
    expect(
      loadConfiguration({ JWT_PUBLIC_KEY: rsa.trim().replace(/\n/g, '\\n') }).JWT_PUBLIC_KEY,
    ).toBe(rsa.trim());
    expect(loadConfiguration({ JWT_PUBLIC_KEY: pem('ec', 'prime256v1') }).JWT_PUBLIC_KEY).toContain(
      'BEGIN PUBLIC KEY',
    );
    const said = refusal({ JWT_PUBLIC_KEY: pem('ec', 'secp384r1') });
    expect(said).toMatch(
      /^JWT_PUBLIC_KEY must be a PEM public key, RSA or EC P-256 .*, not '-----BEGIN PUBLIC KEY-----\\n.*…'$/,
    );
    expect(refusal({ JWT_PUBLIC_KEY: rsa, JWT_JWKS_URL: 'https://id.example.org/jwks' })).toBe(
      'JWT_JWKS_URL cannot be used together with JWT_PUBLIC_KEY; set one of them',
    );
  });
});
