import { ConfigurationError, loadConfiguration } from '@ml/config';
import { Metrics, metricsSettingsOf } from './metrics.js';

const metricsSettingsFromEnv = (env: Record<string, string>) =>
  metricsSettingsOf(loadConfiguration(env));

describe('metrics settings from the environment', () => {
  it('leaves /metrics open without METRICS_TOKEN, and takes a long enough one', () => {
    expect(metricsSettingsFromEnv({})).toEqual({});
    expect(metricsSettingsFromEnv({ METRICS_TOKEN: '0123456789abcdef' })).toEqual({
      token: '0123456789abcdef',
    });
  });

  it.each(['short', 'with a space in it, long enough'])(
    'refuses METRICS_TOKEN=%s in one line',
    (token) => {
      expect(() => metricsSettingsFromEnv({ METRICS_TOKEN: token })).toThrow(ConfigurationError);
    },
  );
});

describe('the metrics', () => {
  it('count the appends of each commit: written ones by group, refused ones apart', async () => {
    const metrics = new Metrics();
    metrics.committed({ written: 3, events: 5, refused: 1 });
    metrics.committed({ written: 0, events: 0, refused: 2 });
    metrics.committed({ written: 1, events: 1, refused: 0 });
    const text = await metrics.scrape();
    expect(text).toContain('masterplan_event_store_appends_total{outcome="written"} 4');
    expect(text).toContain('masterplan_event_store_appends_total{outcome="refused"} 3');
    expect(text).toContain('masterplan_event_store_events_appended_total 6');
    expect(text).toContain('masterplan_event_store_group_commit_appends_count 2');
    expect(text).toContain('masterplan_event_store_group_commit_appends_sum 4');
    expect(text).toContain('masterplan_event_store_group_commit_appends_bucket{le="2"} 1');
    expect(text).toContain('masterplan_event_store_group_commit_appends_bucket{le="4"} 2');
  });
});
