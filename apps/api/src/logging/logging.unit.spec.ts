import { Writable } from 'node:stream';
import { ConfigurationError, loadConfiguration } from '@ml/config';
import { pino } from 'pino';
import { loggerOptions, logSettingsOf } from './logging.js';
import { requestScope } from './request-scope.js';

/** A logger as the server makes it, writing into an array of parsed lines. */
function capturing() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino(loggerOptions({ level: 'info', format: 'json' }), sink) };
}

const logSettingsFromEnv = (env: Record<string, string>, terminal: boolean) =>
  logSettingsOf(loadConfiguration(env), terminal);

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
    ['LOG_LEVEL', 'bogus'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_FORMAT', 'xml'],
  ])('refuses %s=%s in one line', (name, value) => {
    expect(() => logSettingsFromEnv({ [name]: value }, false)).toThrow(ConfigurationError);
    expect(() => logSettingsFromEnv({ [name]: value }, false)).toThrow(
      new RegExp(`^${name} must be .*, not '${value}'$`),
    );
  });
});

describe('the logger', () => {
  it('never writes what sits under authorization, token or connectionParams', () => {
    const { lines, logger } = capturing();
    logger.info(
      {
        authorization: 'Bearer top.secret.jwt',
        headers: { authorization: 'Bearer header.secret.jwt' },
        connectionParams: { authorization: 'Bearer socket.secret.jwt' },
        token: 'field.secret.jwt',
        userId: 'fb02.wolf',
      },
      'a line',
    );
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect(lines[0]).toMatchObject({
      authorization: '[redacted]',
      headers: { authorization: '[redacted]' },
      connectionParams: '[redacted]',
      token: '[redacted]',
      userId: 'fb02.wolf',
    });
  });

  it("puts the request's correlation id and user on every line logged while serving it", () => {
    const { lines, logger } = capturing();
    logger.info('before');
    requestScope.run({ correlationId: 'corr-1', address: '10.0.0.1', userId: 'u1' }, () =>
      logger.warn({ code: 'FORBIDDEN' }, 'inside'),
    );
    expect(lines).toEqual([
      expect.not.objectContaining({ correlationId: expect.anything() }),
      expect.objectContaining({
        level: 'warn',
        msg: 'inside',
        code: 'FORBIDDEN',
        correlationId: 'corr-1',
        userId: 'u1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });
});
