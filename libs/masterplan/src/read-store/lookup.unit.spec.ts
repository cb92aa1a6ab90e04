import { prepareReadModels } from '../projections/projections.js';
import { ReadStore } from './read-store.js';
import { ReadView } from './read-view.js';
import { versionedTable } from './lookup.js';
import { insertRow, endRow } from './temporal.js';

interface Row {
  actor_id: string;
  user_id: string;
  name: string;
}

describe('the lookups of a versioned table', () => {
  let store: ReadStore;
  const representatives = versionedTable<Row>('representatives');
  const ofActor = representatives.rowsBy('actor_id', 'user_id DESC');
  const byUser = representatives.rowBy('user_id');

  beforeEach(() => {
    store = ReadStore.scratch();
    prepareReadModels(store);
    const appoint = (actor: string, user: string, at: string) =>
      insertRow(
        store,
        'representatives',
        { actor_id: actor, user_id: user, name: user, appointed_at: at },
        at,
      );
    appoint('ihk', 'anna', '1');
    appoint('ihk', 'bert', '2');
    appoint('rwth', 'carl', '3');
    endRow(store, 'representatives', { actor_id: 'ihk', user_id: 'anna' }, '4');
  });
  afterEach(() => store.close());

  it('answers every key in one query: its rows in order, none where it finds none', async () => {
    const view = new ReadView(store, '3');
    const before = store.queries;
    const [ihk, rwth, nobody] = await Promise.all(
      ['ihk', 'rwth', 'nobody'].map((actor) => view.loader(ofActor).load(actor)),
    );
    expect(store.queries - before).toBe(1);
    expect(ihk.map((r) => r.user_id)).toEqual(['bert', 'anna']);
    expect(rwth.map((r) => r.user_id)).toEqual(['carl']);
    expect(nobody).toEqual([]);
  });

  it('shows the rows valid at the view’s moment, and undefined for a key without one', async () => {
    expect(await new ReadView(store, '3').loader(byUser).load('anna')).toMatchObject({
      name: 'anna',
    });
    expect(await new ReadView(store).loader(byUser).load('anna')).toBeUndefined();
    expect(await new ReadView(store, '1').loader(byUser).load('bert')).toBeUndefined();
  });
});
