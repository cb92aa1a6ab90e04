import { SLICE_MS, nextSlice } from './thread-slices.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const sliceUsedUp = () => busy(SLICE_MS + 1);

describe('slices of the thread shared by every request', () => {
  it('goes on at once within a slice, and waits for the next turn of the event loop after it', async () => {
    sliceUsedUp();
    const order: string[] = [];
    setImmediate(() => order.push('someone else'));
    const wait = nextSlice();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    order.push('me');
    expect(order).toEqual(['someone else', 'me']);
    expect(nextSlice()).toBeUndefined();
    sliceUsedUp();
    expect(nextSlice()).toBeInstanceOf(Promise);
    await nextSlice();
  });

  it('lets queued work in, in the order asked, a slice per turn, and newcomers wait behind', async () => {
    sliceUsedUp();
    const order: string[] = [];
    // Each piece uses up a slice: one per turn of the event loop.
    const pieces = [0, 1, 2].map(async (i) => {
      await nextSlice();
      order.push(`piece ${i}`);
      sliceUsedUp();
    });
    let turns = 0;
    const tick = () => {
      order.push('turn');
      if (++turns < 8) setImmediate(tick);
    };
    setImmediate(tick);
    await pieces[0];
    // Others are still in line: a newcomer waits behind them.
    const newcomer = nextSlice();
    expect(newcomer).toBeInstanceOf(Promise);
    void newcomer!.then(() => order.push('newcomer'));
    await Promise.all([...pieces, newcomer]);
    expect(order.filter((o) => o !== 'turn')).toEqual([
      'piece 0',
      'piece 1',
      'piece 2',
      'newcomer',
    ]);
    const at = (name: string) => order.indexOf(name);
    for (const [a, b] of [
      ['piece 0', 'piece 1'],
      ['piece 1', 'piece 2'],
      ['piece 2', 'newcomer'],
    ] as const)
      expect(order.slice(at(a) + 1, at(b))).toContain('turn');
  });

  it('lets many small pieces in within one turn', async () => {
    sliceUsedUp();
    const order: string[] = [];
    const pieces = Array.from({ length: 50 }, async (_, i) => {
      await nextSlice();
      order.push(`piece ${i}`);
    });
    setImmediate(() => setImmediate(() => order.push('next turn')));
    await Promise.all(pieces);
    // All fifty in the turn the line began moving, none left for the next.
    expect(order.indexOf('next turn')).toBe(-1);
    expect(order).toHaveLength(50);
  });
});
