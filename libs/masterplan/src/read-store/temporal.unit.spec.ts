import { ReadStore } from './read-store.js';
import { NOW, VALIDITY, changeRow, endRow, insertRow, validAt } from './temporal.js';

describe('versioned read-model rows', () => {
  let store: ReadStore;
  const at = (position: string) =>
    store.all<{ id: string; title: string; note: string | null }>(
      `SELECT id, title, note FROM things WHERE ${validAt()} ORDER BY id`,
      { at: position },
    );
  const versions = () => store.get<{ n: number }>('SELECT COUNT(*) AS n FROM things')!.n;

  beforeEach(() => {
    store = ReadStore.scratch();
    store.db.exec(
      `CREATE TABLE things (id TEXT NOT NULL, title TEXT NOT NULL, note TEXT, ${VALIDITY}, PRIMARY KEY (id, valid_to))`,
    );
  });
  afterEach(() => store.close());

  it('shows each row as it was at any position, and the current rows at NOW', () => {
    insertRow(store, 'things', { id: 'a', title: 'first', note: null }, '010');
    changeRow(store, 'things', { id: 'a' }, { title: 'second' }, '020');
    insertRow(store, 'things', { id: 'b', title: 'other', note: 'x' }, '025');
    changeRow(store, 'things', { id: 'a' }, { note: 'noted' }, '030');
    endRow(store, 'things', { id: 'b' }, '040');

    expect(at('005')).toEqual([]);
    expect(at('010')).toEqual([{ id: 'a', title: 'first', note: null }]);
    expect(at('019')).toEqual([{ id: 'a', title: 'first', note: null }]);
    expect(at('020')).toEqual([{ id: 'a', title: 'second', note: null }]);
    expect(at('030')).toEqual([
      { id: 'a', title: 'second', note: 'noted' },
      { id: 'b', title: 'other', note: 'x' },
    ]);
    expect(at('040')).toEqual([{ id: 'a', title: 'second', note: 'noted' }]);
    expect(at(NOW)).toEqual([{ id: 'a', title: 'second', note: 'noted' }]);
    expect(versions()).toBe(4);
  });

  it('makes one version per event, however often the event changes the row', () => {
    insertRow(store, 'things', { id: 'a', title: 'first', note: null }, '010');
    changeRow(store, 'things', { id: 'a' }, { title: 'second' }, '020');
    changeRow(store, 'things', { id: 'a' }, { note: 'same event' }, '020');
    expect(versions()).toBe(2);
    expect(at('015')).toEqual([{ id: 'a', title: 'first', note: null }]);
    expect(at(NOW)).toEqual([{ id: 'a', title: 'second', note: 'same event' }]);
  });

  it('leaves a key without a current row alone, and takes a removed key back later', () => {
    changeRow(store, 'things', { id: 'ghost' }, { title: 'nobody' }, '010');
    expect(versions()).toBe(0);
    insertRow(store, 'things', { id: 'a', title: 'first', note: null }, '020');
    endRow(store, 'things', { id: 'a' }, '030');
    insertRow(store, 'things', { id: 'a', title: 'back', note: null }, '040');
    expect(at('025')).toEqual([{ id: 'a', title: 'first', note: null }]);
    expect(at('035')).toEqual([]);
    expect(at(NOW)).toEqual([{ id: 'a', title: 'back', note: null }]);
  });
});
