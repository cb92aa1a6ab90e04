import { Lru } from './lru.js';

describe('a cache bounded by weight', () => {
  it('drops the least recently used entries once the weight is over', () => {
    // Each entry weighs 4 and its one-character key 2.
    const lru = new Lru<string, string>(100, 14);
    lru.set('a', 'aaaa', 4);
    lru.set('b', 'bbbb', 4);
    expect(lru.get('a')).toBe('aaaa'); // a is now the most recent
    lru.set('c', 'cccc', 4);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('aaaa');
    expect(lru.get('c')).toBe('cccc');
  });

  it('keeps nothing that alone weighs more than the budget, and bounds the count too', () => {
    const lru = new Lru<string, string>(2, 1000);
    lru.set('huge', 'x', 1001);
    expect(lru.get('huge')).toBeUndefined();
    lru.set('a', 'a', 1);
    lru.set('b', 'b', 1);
    lru.set('c', 'c', 1);
    expect(lru.get('a')).toBeUndefined();
    expect([lru.get('b'), lru.get('c')]).toEqual(['b', 'c']);
  });

  it('weighs a string key as what it holds: a light value under a huge key is heavy', () => {
    const lru = new Lru<string, string>(100, 1_000);
    lru.set(`{ __typename } #${'x'.repeat(600)}`, 'light', 1);
    expect(lru.get(`{ __typename } #${'x'.repeat(600)}`)).toBeUndefined();
    lru.set('{ a }', 'one', 1);
    lru.set('{ b }', 'two', 1);
    lru.set(`{ c } #${'x'.repeat(485)}`, 'three', 1);
    // 11 + 11 + 985 > 1,000: the oldest goes, and that is enough.
    expect(lru.get('{ a }')).toBeUndefined();
    expect(lru.get('{ b }')).toBe('two');
  });
});
