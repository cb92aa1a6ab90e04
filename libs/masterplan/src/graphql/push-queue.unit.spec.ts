import { jest } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { PushQueue, subscriptionQueue } from './push-queue.js';

describe('PushQueue', () => {
  it('hands out pushes in order, then ends with an error after what was already pushed', async () => {
    let ended = 0;
    const queue = new PushQueue<number>(() => ended++);
    queue.push(1);
    queue.push(2);
    queue.fail(new GraphQLError('gone', { extensions: { code: 'FORBIDDEN' } }));
    queue.push(3);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    await expect(queue.next()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(ended).toBe(1);
  });

  it('rejects a waiting reader when it fails, and ends a subscriber that falls too far behind', async () => {
    const queue = new PushQueue<number>(() => undefined);
    const waiting = queue.next();
    queue.fail(new GraphQLError('gone'));
    await expect(waiting).rejects.toThrow('gone');

    const slow = new PushQueue<number>(() => undefined, 2);
    for (const n of [1, 2, 3]) slow.push(n);
    await slow.next();
    await slow.next();
    await expect(slow.next()).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'subscriberBacklog', max: 2 },
    });
  });

  it('ends a caller’s subscription when their token expires, and a public one never', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const expiring = subscriptionQueue<number>({ expiresAt: 1_060_000 }, () => undefined);
      const reading = expiring.next();
      const forever = subscriptionQueue<number>({}, () => undefined);
      jest.advanceTimersByTime(59_999);
      forever.push(1);
      expiring.push(1);
      expect(await reading).toEqual({ value: 1, done: false });
      jest.advanceTimersByTime(1);
      await expect(expiring.next()).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED' },
      });
      jest.advanceTimersByTime(30 * 24 * 3_600_000);
      expect(await forever.next()).toEqual({ value: 1, done: false });
    } finally {
      jest.useRealTimers();
    }
  });

  it('waits beyond the longest timer Node has without ending early', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const fortyDays = 40 * 24 * 3_600_000;
      const queue = subscriptionQueue<number>({ expiresAt: fortyDays }, () => undefined);
      jest.advanceTimersByTime(fortyDays - 1);
      queue.push(1);
      expect(await queue.next()).toEqual({ value: 1, done: false });
      jest.advanceTimersByTime(1);
      await expect(queue.next()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops its timer when the subscriber leaves', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const queue = subscriptionQueue<number>({ expiresAt: 60_000 }, () => undefined);
      await queue.return();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
