import { answerText } from './answer-text.js';

describe('answerText', () => {
  it('writes what JSON.stringify writes, for every kind of value an answer holds', async () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1, b: 'x' });
    const values: unknown[] = [
      null,
      0,
      -1.5,
      Number.NaN,
      true,
      'plain',
      'quotes " and \\ and \n and \u0000 and \u2028 and 😀 and \ud800 alone',
      [],
      {},
      [1, 'two', null, undefined, () => 3, [[]], {}],
      { a: undefined, b: () => 1, c: 2, d: undefined },
      { a: undefined },
      { only: undefined, then: [undefined, { x: undefined, y: null }] },
      { data: { masterplan: { measures: [bare, bare], when: new Date(0) } } },
      { errors: [{ message: 'm', extensions: { code: 'C' } }], data: null },
      { nested: { deeper: { deepest: [{ a: [{ b: [{ c: 'end' }] }] }] } } },
      // A long list, whose items are written whole.
      Array.from({ length: 40 }, (_, i) =>
        i % 3 ? { i, gone: undefined } : i % 2 ? undefined : () => i,
      ),
    ];
    for (const value of values) expect(await answerText(value)).toBe(JSON.stringify(value));
  });

  it('writes a large answer in slices, letting other work in between', async () => {
    const answer = {
      data: {
        entries: Array.from({ length: 60_000 }, (_, i) => ({
          position: String(i).padStart(12, '0'),
          summary: `entry ${i} with some text to write`,
          data: { a: i, b: [i, i + 1], c: null },
        })),
      },
    };
    let otherWork = 0;
    const others = setInterval(() => otherWork++, 0);
    try {
      const text = await answerText(answer);
      expect(text).toBe(JSON.stringify(answer));
    } finally {
      clearInterval(others);
    }
    expect(otherWork).toBeGreaterThan(0);
  });
});
