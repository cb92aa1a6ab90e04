import { Lru } from './lru.js';

describe('a cache bounded by weight', () => {
  it('drops the least recently used entries once the weight is over', () => {
    const lru = new Lru<string, string>(100, 10);
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
});
