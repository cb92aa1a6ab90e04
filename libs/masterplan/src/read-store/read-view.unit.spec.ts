import { allActors } from '../actors/actors.projection.js';
import { masterplanById } from '../masterplans/masterplans.projection.js';
import { prepareReadModels } from '../projections/projections.js';
import { ReadStore } from './read-store.js';
import { LARGE_OBJECTS, ReadView, type Budget } from './read-view.js';
import { SLICE_MS } from './thread-slices.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('a read view spending a request’s budget', () => {
  let store: ReadStore;
  beforeEach(() => {
    store = ReadStore.scratch();
    prepareReadModels(store);
  });
  afterEach(() => store.close());

  it('reads until its deadline, and refuses every read after it, naming the limit', async () => {
    const budget: Budget = { deadline: Date.now() + 60_000, executionMs: 10_000 };
    const view = new ReadView(store, undefined, budget);
    expect(await view.loader(masterplanById).load('mp')).toBeUndefined();
    budget.deadline = Date.now() - 1;
    await expect(
      new ReadView(store, undefined, budget).loader(masterplanById).load('mp'),
    ).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'executionMs', max: 10_000 },
    });
    expect(() => allActors(view)).toThrow('took too long');
  });

  it('counts objects and the bytes of their text (not characters), and stops past either', () => {
    const objects = new ReadView(store, undefined, { maxObjects: 2, maxBytes: 1_000 });
    objects.spend({ id: 'a' }).spend({ id: 'b' });
    expect(() => objects.spend({ id: 'c' })).toThrow(
      expect.objectContaining({ extensions: { code: 'LIMIT_EXCEEDED', limit: 'cost', max: 2 } }),
    );
    // Once over, every further step refuses the same way.
    expect(() => objects.spend({ id: 'd' })).toThrow('more than 2 objects');
    const text = new ReadView(store, undefined, { maxObjects: 100, maxBytes: 10 });
    text.spend({ name: '€€€' });
    expect(() => text.spend({ name: '€' })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ limit: 'textReadBytes' }) }),
    );
  });

  it('lets a view within it spend its own budget while reading through the shared loaders', async () => {
    const shared = new ReadView(store);
    const mine: Budget = { maxObjects: 1 };
    const within = shared.within(mine);
    expect(within.loader(masterplanById)).toBe(shared.loader(masterplanById));
    expect(within.moment).toBe(shared.moment);
    within.spend({ id: 'a' });
    expect(() => within.spend({ id: 'b' })).toThrow('more than 1 objects');
    // The shared view and the other subscribers' views are not held back.
    expect(() => shared.spend({ id: 'c' })).not.toThrow();
    expect(() => shared.within({ maxObjects: 1 }).spend({ id: 'd' })).not.toThrow();
  });

  it('reads a shared loader under the view it is within, whichever view made it first', async () => {
    const shared = new ReadView(store);
    const late: Budget = { deadline: Date.now() - 1, executionMs: 1 };
    // A subscriber past its deadline makes the loader; the others still read through it.
    const loader = shared.within(late).loader(masterplanById);
    expect(loader).toBe(shared.loader(masterplanById));
    expect(await loader.load('mp')).toBeUndefined();
  });

  it('does each piece of work in a slice of the shared thread: at once within it, after others once it is used', async () => {
    const view = new ReadView(store, undefined, {});
    const order: string[] = [];
    busy(SLICE_MS + 1);
    setImmediate(() => order.push('someone else'));
    await view.step(() => order.push('after the others'));
    // A new slice began: the next piece goes on at once, before step even returns.
    void view.step(() => order.push('at once'));
    expect(order).toEqual(['someone else', 'after the others', 'at once']);
  });

  it('gives the parts of one request side by side a turn each, with others in between', async () => {
    const view = new ReadView(store, undefined, {});
    const order: string[] = [];
    busy(SLICE_MS + 1);
    // Thirty aliased pages: all resolved at once, each doing more than a slice of work.
    const parts = Array.from({ length: 3 }, (_, i) =>
      Promise.resolve().then(() =>
        view.step(() => {
          order.push(`part ${i}`);
          busy(10);
        }),
      ),
    );
    let turns = 0;
    const tick = () => {
      order.push('someone else');
      if (++turns < 6) setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all(parts);
    const at = [0, 1, 2].map((i) => order.indexOf(`part ${i}`));
    expect(at).toEqual([...at].sort((x, y) => x - y));
    expect(order.slice(at[0]! + 1, at[1])).toContain('someone else');
    expect(order.slice(at[1]! + 1, at[2])).toContain('someone else');
  });

  it('waits for its turn among large requests once it has grown large, once, and small ones never', async () => {
    const turns: string[] = [];
    let letIn!: () => void;
    const small: Budget = { maxObjects: 100_000, grownLarge: async () => void turns.push('small') };
    const large: Budget = {
      maxObjects: 100_000,
      grownLarge: () => {
        turns.push('large');
        return new Promise<void>((resolve) => (letIn = resolve));
      },
    };
    const smallView = new ReadView(store, undefined, small);
    const largeView = new ReadView(store, undefined, large);
    for (let i = 0; i < 10; i++) smallView.spend({ id: String(i) });
    await smallView.step(() => undefined);
    for (let i = 0; i <= LARGE_OBJECTS; i++) largeView.spend({ id: String(i) });
    let resumed = false;
    const paused = largeView.step(() => (resumed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).toBe(false);
    letIn();
    await paused;
    await largeView.step(() => undefined);
    expect(turns).toEqual(['large']);
  });
});
