import { ConfigurationError, loadConfiguration } from '@ml/config';
import { DEFAULT_LIMITS, costError, limitsOf, nesting, trustProxyOf } from './limits.js';

describe('limits from the configuration', () => {
  it('has defaults, and takes whole numbers', () => {
    expect(limitsOf(loadConfiguration({}))).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ bodyBytes: 512 * 1024, depth: 12, cost: 20_000 });
    expect(
      limitsOf(loadConfiguration({ LIMIT_QUERY_DEPTH: '8', LIMIT_REQUESTS_PER_MINUTE: '0' })),
    ).toMatchObject({ depth: 8, requestsPerMinute: 0 });
  });

  it.each([
    ['LIMIT_QUERY_DEPTH', 'deep'],
    ['LIMIT_QUERY_DEPTH', '0'],
    ['LIMIT_QUERY_COST', '1.5'],
    ['LIMIT_BODY_BYTES', '-1'],
    ['GRAPHQL_INTROSPECTION', 'sometimes'],
  ])('refuses %s=%s with one line naming it', (variable, value) => {
    expect(() => loadConfiguration({ [variable]: value })).toThrow(ConfigurationError);
    expect(() => loadConfiguration({ [variable]: value })).toThrow(variable);
  });

  it('reads TRUST_PROXY as off, hops or addresses, and refuses to trust everyone', () => {
    const trust = (value?: string) =>
      trustProxyOf(loadConfiguration(value === undefined ? {} : { TRUST_PROXY: value }));
    expect(trust()('10.0.0.1', 0)).toBe(false);
    expect(trust('off')('10.0.0.1', 0)).toBe(false);
    const hops = trust('1');
    expect([hops('x', 0), hops('x', 1)]).toEqual([true, false]);
    const listed = trust('10.0.0.0/8, 192.168.1.2');
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
      expect(() => trust(value)).toThrow('TRUST_PROXY');
    expect(trust('10')('x', 9)).toBe(true);
    expect(trust('fd00::/16')('fd00::1', 0)).toBe(true);
  });

  it('measures how deep a value nests, stopping past the limit', () => {
    expect(nesting({ a: [1, { b: 2 }] }, 10)).toBe(3);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(nesting(deep, 16)).toBe(17);
  });
});

describe('the cost refusal', () => {
  it('says how many objects a query could return, and never "about Infinity"', () => {
    expect(costError(DEFAULT_LIMITS, 25_000).message).toMatch(
      /^The query could return about 25000 objects; at most 20000/,
    );
    expect(costError(DEFAULT_LIMITS, Infinity).message).toMatch(
      /^The query could return more objects than can be counted; at most 20000/,
    );
  });
});
