import { ConfigurationError, loadConfiguration } from '@ml/config';
import type { EventStoreHealth, Position } from '@ml/event-store';
import type { FollowerStatus } from '@ml/masterplan';
import { readinessOf, readinessSettingsOf } from './readiness.js';

const up: EventStoreHealth = { engine: 'sqlite', state: 'up', detail: 'WAL' };
const bounds = { maxLagEvents: 100, maxLagSeconds: 30 };

const follower = (name: string, status: Partial<FollowerStatus> = {}): FollowerStatus => ({
  name,
  state: 'running',
  checkpoint: '0000000000000010' as Position,
  head: '0000000000000010' as Position,
  lagEvents: 0,
  lagSeconds: 0,
  eventsApplied: 10,
  failure: null,
  lastError: null,
  ...status,
});

const reactions = follower('reactions');
const downOf = (readModels: FollowerStatus[], store = up, reacting = reactions) =>
  readinessOf(store, readModels, reacting, bounds)
    .filter((check) => !check.up)
    .map(({ name, says, detail }) => ({ name, says, ...(detail ? { detail } : {}) }));

describe('readiness', () => {
  it('is ready when the store answers, every read model is within the bounds, and the reactions run', () => {
    const checks = readinessOf(
      up,
      [follower('audit', { lagEvents: 100, lagSeconds: 30 }), follower('measures')],
      reactions,
      bounds,
    );
    expect(checks.map((check) => [check.name, check.up])).toEqual([
      ['event-store', true],
      ['read-model:audit', true],
      ['read-model:measures', true],
      ['reactions', true],
    ]);
  });

  it('is not ready with a read model further behind than either bound', () => {
    expect(
      downOf([
        follower('audit', { lagEvents: 101, lagSeconds: 1 }),
        follower('measures', { lagEvents: 3, lagSeconds: 30.5 }),
      ]),
    ).toEqual([
      {
        name: 'read-model:audit',
        says: {
          message: 'behind the log by more than 100 events (READY_MAX_LAG_EVENTS)',
          lagEvents: 101,
          lagSeconds: 1,
        },
      },
      {
        name: 'read-model:measures',
        says: {
          message: 'behind the log by more than 30 s (READY_MAX_LAG_SECONDS)',
          lagEvents: 3,
          lagSeconds: 31,
        },
      },
    ]);
  });

  it('names a failed follower and its position, keeping the error for the log', () => {
    const failure = {
      position: '0000000000000042' as Position,
      eventId: 'e-42',
      eventType: 'ThemeFieldDefined',
      streamId: 'masterplan-mp',
      message: 'UNIQUE constraint failed: theme_fields.id in /srv/data/read-models.sqlite',
      at: new Date(),
    };
    const [check] = downOf([follower('masterplans', { state: 'failed', failure })]);
    expect(check).toEqual({
      name: 'read-model:masterplans',
      says: {
        state: 'failed',
        message: 'stopped at position 0000000000000042 on an event it cannot apply',
        position: '0000000000000042',
      },
      detail: `ThemeFieldDefined e-42 (stream 'masterplan-mp'): ${failure.message}`,
    });
    expect(JSON.stringify(check!.says)).not.toContain('UNIQUE');
  });

  it('is not ready without the store, with a follower cut off from it or stopped, or failed reactions', () => {
    const down = downOf(
      [
        follower('audit', { state: 'retrying', lastError: 'connect ECONNREFUSED 10.0.0.5:2113' }),
        follower('actors', { state: 'stopped' }),
      ],
      { engine: 'eventstoredb', state: 'down', detail: 'connect ECONNREFUSED 10.0.0.5:2113' },
      follower('reactions', { state: 'retrying' }),
    );
    expect(down.map(({ name, says }) => [name, says.message])).toEqual([
      ['event-store', 'the event store does not answer'],
      ['read-model:audit', 'cannot read the event store; retrying'],
      ['read-model:actors', 'not running'],
      ['reactions', 'cannot read the event store; retrying'],
    ]);
    expect(JSON.stringify(down.map(({ says }) => says))).not.toContain('10.0.0.5');
    expect(down[0]!.detail).toContain('10.0.0.5');
  });

  it('takes reactions that are off on purpose as ready, and their lag as no reason', () => {
    expect(downOf([follower('audit')], up, follower('reactions', { state: 'off' }))).toEqual([]);
    expect(downOf([follower('audit')], up, follower('reactions', { lagEvents: 5000 }))).toEqual([]);
  });
});

const readinessSettingsFromEnv = (env: Record<string, string>) =>
  readinessSettingsOf(loadConfiguration(env));

describe('readiness settings from the environment', () => {
  it('has defaults, and takes whole numbers', () => {
    expect(readinessSettingsFromEnv({})).toEqual({ maxLagEvents: 1000, maxLagSeconds: 30 });
    expect(
      readinessSettingsFromEnv({ READY_MAX_LAG_EVENTS: '50', READY_MAX_LAG_SECONDS: '5' }),
    ).toEqual({ maxLagEvents: 50, maxLagSeconds: 5 });
  });

  it.each([
    ['READY_MAX_LAG_EVENTS', 'many'],
    ['READY_MAX_LAG_EVENTS', '0'],
    ['READY_MAX_LAG_SECONDS', '2.5'],
    ['READY_MAX_LAG_SECONDS', '-1'],
  ])('refuses %s=%s in one line', (name, value) => {
    expect(() => readinessSettingsFromEnv({ [name]: value })).toThrow(ConfigurationError);
    expect(() => readinessSettingsFromEnv({ [name]: value })).toThrow(
      new RegExp(`^${name} must be a whole number.*, not '${value}'$`),
    );
  });
});
