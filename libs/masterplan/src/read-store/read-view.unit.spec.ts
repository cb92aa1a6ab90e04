import { allActors } from '../actors/actors.projection.js';
import { masterplanById } from '../masterplans/masterplans.projection.js';
import { prepareReadModels } from '../projections/projections.js';
import { ReadStore } from './read-store.js';
import { LARGE_OBJECTS, ReadView, type Budget } from './read-view.js';

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

  it('lets others in once a request has held the thread for a slice, and not before', async () => {
    const budget: Budget = {};
    const view = new ReadView(store, undefined, budget);
    const order: string[] = [];
    setImmediate(() => order.push('someone else'));
    await view.step(() => order.push('first slice'));
    budget.slice = performance.now() - 50;
    setImmediate(() => order.push('someone else again'));
    await view.step(() => order.push('next slice'));
    expect(order).toEqual(['first slice', 'someone else', 'someone else again', 'next slice']);
  });

  it('checks right before each piece of work, so parts of one request side by side take a slice each', async () => {
    const budget: Budget = {};
    const view = new ReadView(store, undefined, budget);
    const order: string[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // Thirty aliased pages: all resolved at once, each doing more than a slice of work.
    const parts = Array.from({ length: 3 }, (_, i) =>
      Promise.resolve().then(() =>
        view.step(() => {
          order.push(`part ${i}`);
          busy(10);
        }),
      ),
    );
    setImmediate(() => order.push('someone else'));
    setImmediate(() => setImmediate(() => order.push('someone else again')));
    await Promise.all(parts);
    expect(order).toEqual(['part 0', 'someone else', 'part 1', 'someone else again', 'part 2']);
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
