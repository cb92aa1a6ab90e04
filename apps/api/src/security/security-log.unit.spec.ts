import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { requestScope } from '../logging/request-scope.js';
import { REPEATS_INTERVAL_MS, SecurityLog } from './security-log.js';

describe('the security log under a flood', () => {
  let lines: Array<{ message: string; fields: Record<string, unknown>; scope?: string }>;
  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message, fields) => {
      lines.push({
        message: String(message),
        fields: fields as Record<string, unknown>,
        scope: requestScope.getStore()?.correlationId,
      });
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  const from = (address: string, refuse: () => void) =>
    requestScope.run({ correlationId: `c-${address}`, address }, refuse);

  it('logs a refusal the first time, then counts its repeats and tells them every 10 s', () => {
    const log = new SecurityLog();
    for (let i = 0; i < 1_000; i++)
      from('10.0.0.1', () =>
        log.refused('RATE_LIMITED', `Too many requests; try again in ${i % 60} s`, {
          limit: 'requestsPerMinute',
        }),
      );
    // Another address, and another refusal of the same address, are their own lines.
    from('10.0.0.2', () => log.refused('RATE_LIMITED', 'Too many', { limit: 'requestsPerMinute' }));
    from('10.0.0.1', () => log.refused('UNAUTHENTICATED', 'The token is not valid'));
    from('10.0.0.1', () => log.refused('UNAUTHENTICATED', 'You need to sign in'));
    expect(lines.map((l) => [l.fields.address, l.fields.code])).toEqual([
      ['10.0.0.1', 'RATE_LIMITED'],
      ['10.0.0.2', 'RATE_LIMITED'],
      ['10.0.0.1', 'UNAUTHENTICATED'],
      ['10.0.0.1', 'UNAUTHENTICATED'],
    ]);
    jest.advanceTimersByTime(REPEATS_INTERVAL_MS);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatchObject({
      message: 'refused 999 more times in 10 s: Too many requests; try again in 39 s',
      fields: {
        code: 'RATE_LIMITED',
        address: '10.0.0.1',
        limit: 'requestsPerMinute',
        repeated: 999,
      },
    });
    // A new window: the refusal is logged in full again.
    from('10.0.0.1', () => log.refused('RATE_LIMITED', 'Too many', { limit: 'requestsPerMinute' }));
    expect(lines).toHaveLength(6);
    // Nothing more to tell: the timer stops.
    jest.advanceTimersByTime(2 * REPEATS_INTERVAL_MS);
    expect(lines).toHaveLength(6);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('tells repeats under no request’s correlation id, the first refusal’s would mislead', async () => {
    jest.useRealTimers();
    const log = new SecurityLog(20);
    from('10.0.0.3', () => log.refused('UNAUTHENTICATED', 'The token is not a JWT'));
    from('10.0.0.3', () => log.refused('UNAUTHENTICATED', 'The token is not a JWT'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines.map((l) => [l.message, l.scope])).toEqual([
      ['refused: The token is not a JWT', 'c-10.0.0.3'],
      ['refused 1 more time in 0.02 s: The token is not a JWT', undefined],
    ]);
  });
});
