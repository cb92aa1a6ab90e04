import { ConfigurationError } from '@ml/event-store';
import { DEFAULT_LIMITS, limitsFromEnv, nesting, trustProxyFromEnv } from './limits.js';

describe('limits from the environment', () => {
  it('has defaults, and takes whole numbers', () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(limitsFromEnv({ LIMIT_QUERY_DEPTH: '8', LIMIT_REQUESTS_PER_MINUTE: '0' })).toMatchObject(
      {
        depth: 8,
        requestsPerMinute: 0,
      },
    );
  });

  it.each([
    ['LIMIT_QUERY_DEPTH', 'deep'],
    ['LIMIT_QUERY_DEPTH', '0'],
    ['LIMIT_QUERY_COST', '1.5'],
    ['LIMIT_BODY_BYTES', '-1'],
    ['GRAPHQL_INTROSPECTION', 'sometimes'],
  ])('refuses %s=%s with one line naming it', (variable, value) => {
    expect(() => limitsFromEnv({ [variable]: value })).toThrow(ConfigurationError);
    expect(() => limitsFromEnv({ [variable]: value })).toThrow(variable);
  });

  it('reads TRUST_PROXY as off, hops or addresses, and refuses to trust everyone', () => {
    expect(trustProxyFromEnv({})('10.0.0.1', 0)).toBe(false);
    const hops = trustProxyFromEnv({ TRUST_PROXY: '1' });
    expect([hops('x', 0), hops('x', 1)]).toEqual([true, false]);
    const listed = trustProxyFromEnv({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.2' });
    expect([listed('10.1.2.3', 0), listed('192.168.1.2', 0), listed('8.8.8.8', 0)]).toEqual([
      true,
      true,
      false,
    ]);
    for (const value of [
      'on',
      'everyone',
      'cafe',
      '1.2.3.4.5',
      '10.0.0.0/99',
      // Trusting every sender in other words: any number of hops, or half the internet.
      '99999',
      '0.0.0.0/1,128.0.0.0/1',
      '::/1',
    ])
      expect(() => trustProxyFromEnv({ TRUST_PROXY: value })).toThrow('TRUST_PROXY');
    expect(trustProxyFromEnv({ TRUST_PROXY: '10' })('x', 9)).toBe(true);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'fd00::/16' })('fd00::1', 0)).toBe(true);
  });

  it('measures how deep a value nests, stopping past the limit', () => {
    expect(nesting({ a: [1, { b: 2 }] }, 10)).toBe(3);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(nesting(deep, 16)).toBe(17);
  });
});
