import { FixedWindow, Gate, GateFull } from './turns.js';

describe('taking turns', () => {
  it('a gate runs at most so many at once, the next in order, and refuses beyond its queue', async () => {
    const gate = new Gate(2, 1);
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const task = (name: string) => () =>
      new Promise<string>((resolve) => {
        order.push(`start ${name}`);
        releases.push(() => resolve(name));
      });
    const a = gate.run(task('a'));
    const b = gate.run(task('b'));
    const c = gate.run(task('c'));
    await expect(gate.run(task('d'))).rejects.toBeInstanceOf(GateFull);
    await Promise.resolve();
    expect(order).toEqual(['start a', 'start b']);
    releases[0]!();
    expect(await a).toBe('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start a', 'start b', 'start c']);
    releases[1]!();
    releases[2]!();
    expect(await Promise.all([b, c])).toEqual(['b', 'c']);
  });

  it('a gate lets one enter, the next once it left (leaving twice frees one turn only)', async () => {
    const gate = new Gate(1, 1);
    const leave = await gate.enter();
    let second = false;
    const next = gate.enter().then((left) => ((second = true), left));
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    await expect(gate.enter()).rejects.toBeInstanceOf(GateFull);
    leave();
    leave();
    const leaveNext = await next;
    expect(second).toBe(true);
    let third = false;
    const after = gate.enter().then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    leaveNext();
    await after;
  });

  it('a fixed window lets so many through per key, then says how long to wait', () => {
    const window = new FixedWindow(2, 60_000);
    expect([window.take('u', 0), window.take('u', 1)]).toEqual([undefined, undefined]);
    expect(window.take('u', 1000)).toBe(59_000);
    expect(window.take('other', 1000)).toBeUndefined();
    expect(window.take('u', 60_000)).toBeUndefined();
    expect(new FixedWindow(0, 1000).take('u')).toBeUndefined();
    // Several at once (the mutations of one operation): all or none.
    const mutations = new FixedWindow(3, 60_000);
    expect(mutations.take('u', 0, 4)).toBe(60_000);
    expect(mutations.take('u', 0, 3)).toBeUndefined();
  });

  it('a flood from very many keys does not give a busy key a fresh window', () => {
    const window = new FixedWindow(10, 60_000);
    expect(window.take('busy', 0, 10)).toBeUndefined();
    for (let i = 0; i < 150_000; i++) window.take(`flood-${i}`, 1);
    // The flood's keys, each far from its limit, were forgotten first.
    expect(window.take('busy', 2)).toBe(59_998);
  });
});
