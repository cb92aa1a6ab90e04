import { ConfigurationError } from '@ml/event-store';
import { logSettingsFromEnv } from './logging.js';

describe('log settings from the environment', () => {
  it('writes JSON at info, unless a person is watching a terminal', () => {
    expect(logSettingsFromEnv({}, false)).toEqual({ level: 'info', format: 'json' });
    expect(logSettingsFromEnv({}, true)).toEqual({ level: 'info', format: 'pretty' });
  });

  it('takes the usual levels and either format, whatever the terminal', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      expect(logSettingsFromEnv({ LOG_LEVEL: level }, false).level).toBe(level);
    expect(logSettingsFromEnv({ LOG_LEVEL: 'WARN', LOG_FORMAT: 'json' }, true)).toEqual({
      level: 'warn',
      format: 'json',
    });
    expect(logSettingsFromEnv({ LOG_FORMAT: 'pretty' }, false).format).toBe('pretty');
  });

  it.each([
    [
      'LOG_LEVEL',
      'bogus',
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'bogus'",
    ],
    [
      'LOG_LEVEL',
      'verbose',
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not 'verbose'",
    ],
    ['LOG_FORMAT', 'xml', "LOG_FORMAT must be one of json, pretty, not 'xml'"],
  ])('refuses %s=%s in one line', (name, value, message) => {
    expect(() => logSettingsFromEnv({ [name]: value }, false)).toThrow(
      new ConfigurationError(message),
    );
  });
});
