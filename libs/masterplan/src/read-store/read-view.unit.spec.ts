import { prepareReadModels } from '../projections/projections.js';
import { ReadStore } from './read-store.js';
import { ReadView } from './read-view.js';

describe('a read view with a deadline', () => {
  let store: ReadStore;
  beforeEach(() => {
    store = ReadStore.scratch();
    prepareReadModels(store);
  });
  afterEach(() => store.close());

  it('reads until its deadline, and refuses every read after it', async () => {
    const budget: { deadline?: number } = { deadline: Date.now() + 60_000 };
    const view = new ReadView(store, undefined, budget);
    expect(await view.masterplan.load('mp')).toBeUndefined();
    budget.deadline = Date.now() - 1;
    await expect(
      new ReadView(store, undefined, budget).masterplan.load('mp'),
    ).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'executionMs' },
    });
    expect(() => view.allActors()).toThrow('took too long');
  });
});
